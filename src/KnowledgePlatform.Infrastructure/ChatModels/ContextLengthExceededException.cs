using System.Runtime.CompilerServices;
using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>A prompt that does not leave room in the context for an answer.</summary>
public sealed class ContextLengthExceededException(string message) : Exception(message);
