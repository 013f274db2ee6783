namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>How urgent a card is, never above what its cited evidence says (see <see cref="CardIndicators"/>).</summary>
public enum CardIndicator
{
    Info,
    Warning,
    Critical,
}
