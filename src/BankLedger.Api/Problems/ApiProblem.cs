namespace BankLedger.Api.Problems;

/// <summary>
/// An RFC 9457 problem the API answers with. <see cref="Code"/> is the stable machine-readable reason
/// (clients branch on it); <see cref="Detail"/> is for humans and may change wording.
/// </summary>
public sealed record ApiProblem(int Status, string Code, string Title, string Detail)
{
    public static ApiProblem BadRequest(string code, string detail) => new(400, code, "Bad request", detail);
}
