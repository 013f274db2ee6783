namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>A web source's host resolved only to addresses it may not read (<see cref="PublicAddresses"/>).</summary>
public sealed class AddressNotAllowedException(string message) : IOException(message);
