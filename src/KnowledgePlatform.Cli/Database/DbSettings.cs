using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public class DbSettings : CommandSettings
{
    [CommandOption("-d|--data <PATH>")]
    [Description("Data folder of the embedded database (Storage:DataPath). Default: ./data")]
    public string? Data { get; init; }

    [CommandOption("--provider <PROVIDER>")]
    [Description("sqlite or postgres (Storage:Provider). Default: the configuration's, from appsettings.json and Storage__Provider.")]
    public string? Provider { get; init; }

    [CommandOption("-c|--connection <CONNECTION_STRING>")]
    [Description("The database's connection string (Storage:ConnectionString); required for postgres unless Storage__ConnectionString is set.")]
    public string? ConnectionString { get; init; }
}
