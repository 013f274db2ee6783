using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.DataProtection;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// One Data Protection key ring for every replica, kept in the metadata database (decision 0090): a portal cookie,
/// an antiforgery token or a Blazor circuit id issued by one server is read by any other, and survives restarts and
/// upgrades. The application name is fixed because the default discriminator is the content root path, which differs
/// between a container, a test's build folder and a developer's checkout. With DataProtection:CertificatePath the keys
/// are stored encrypted with that certificate; without it they are stored as XML in the database, readable by
/// whoever can read the database.
/// </summary>
public static class SharedDataProtection
{
    public const string ApplicationName = "KnowledgePlatform";
    public const string Section = "DataProtection";

    public static IHostApplicationBuilder AddSharedDataProtection(this IHostApplicationBuilder builder)
    {
        var protection = builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<KnowledgeDbContext>();
        var path = builder.Configuration[$"{Section}:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(path)) protection.ProtectKeysWithCertificate(LoadCertificate(path, builder.Configuration[$"{Section}:CertificatePassword"]));
        return builder;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath '{path}' could not be read as a PKCS#12 (.pfx) certificate with DataProtection:CertificatePassword: {ex.Message}", ex);
        }
    }
}
