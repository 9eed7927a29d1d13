using BankLedger.Api.Problems;
using BankLedger.Projections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLedger.Api;

/// <summary>Every error leaves as problem+json: unhandled exceptions (500) and unmatched routes/methods (404/405).</summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BankLedger.Api");
            if (error is BadHttpRequestException bad)
            {
                await ProblemResponses.WriteAsync(context, bad.StatusCode == 413
                    ? ProblemResponses.PayloadTooLarge(CommandEndpoints.MaxBodyBytes)
                    : ApiProblem.BadRequest("bad_request", bad.Message));
                return;
            }
            if (error is ReadStoreUnavailableException unavailable)
            {
                logger.LogWarning("Read store unavailable for {Path}: {Reason}", context.Request.Path, unavailable.Message);
                await ProblemResponses.WriteAsync(context, ProblemResponses.ReadStoreUnavailable());
                return;
            }
            logger.LogError(error, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
            await ProblemResponses.WriteAsync(context, ProblemResponses.Internal());
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (context.Response.HasStarted || context.Response.ContentLength > 0 || context.Response.ContentType is not null) return;
            var problem = context.Response.StatusCode switch
            {
                404 => ProblemResponses.NotFound(context.Request.Path),
                405 => ProblemResponses.MethodNotAllowed(context.Request.Method, context.Request.Path),
                var code => new ApiProblem(code, "http_" + code, "HTTP " + code, "The request could not be served."),
            };
            await ProblemResponses.WriteAsync(context, problem);
        });
        return app;
    }
}
