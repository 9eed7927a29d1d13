global using BankLedger.Domain.Tests.Support;
