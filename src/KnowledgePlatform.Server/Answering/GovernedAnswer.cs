using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Server.Answering;

/// <summary>An answer under way: its events (policy applied, audited and counted once complete), and the policy it is under.</summary>
public sealed record GovernedAnswer(IAsyncEnumerable<AnswerEvent> Events, SecurityPolicy Policy, PolicyActions Actions);
