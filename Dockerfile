# One image for every BankLedger node; its roles come from configuration (Ledger__Roles).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet publish src/BankLedger.Node/BankLedger.Node.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl serves the container healthcheck in docker-compose.yml.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Ledger__DataDirectory=/data
VOLUME /data
EXPOSE 8080 4053
ENTRYPOINT ["dotnet", "BankLedger.Node.dll"]
