using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.Infrastructure.Models;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>
/// The tiny random-weight MoE model, generated once per test run. llama.cpp runs it for real; its output is
/// gibberish, so tests check mechanics, never content. One thread per sequence keeps it fast on 2 cores.
/// </summary>
public static class TinyModel
{
    private static readonly Lazy<string> File = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("kp-tiny-moe-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var path = System.IO.Path.Combine(folder, "tiny-moe.gguf");
        TinyMoeModel.Write(path);
        return path;
    });

    public static string Path => File.Value;

    public const string Id = "tiny-moe";

    /// <summary>A damaged copy of the model in a folder of its own.</summary>
    public static string Damaged(string kind)
    {
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("kp-bad-gguf-").FullName, kind + ".gguf");
        var writer = TinyMoeModel.Build();
        switch (kind)
        {
            case "missing-expert-count":
                writer.Remove("qwen3moe.expert_count");
                writer.Write(path);
                break;
            case "missing-tensor":
                writer = new GgufWriter();
                var full = TinyMoeModel.Build();
                // Same metadata, but without a tensor llama.cpp requires: our checks pass it, llama.cpp refuses it.
                full.Write(path);
                var file = GgufFile.Read(path);
                foreach (var (key, value) in file.Metadata) AddAny(writer, key, value);
                writer.Write(path);
                break;
            case "truncated":
                writer.Write(path);
                var bytes = System.IO.File.ReadAllBytes(path);
                System.IO.File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "wrong-magic":
                writer.Write(path);
                var raw = System.IO.File.ReadAllBytes(path);
                "GGML"u8.CopyTo(raw);
                System.IO.File.WriteAllBytes(path, raw);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return path;
    }

    private static void AddAny(GgufWriter writer, string key, object value)
    {
        switch (value)
        {
            case string s: writer.Add(key, s); break;
            case uint u: writer.Add(key, u); break;
            case int i: writer.Add(key, i); break;
            case float f: writer.Add(key, f); break;
            case bool b: writer.Add(key, b); break;
            case string[] a: writer.Add(key, a); break;
            case int[] a: writer.Add(key, a); break;
            case float[] a: writer.Add(key, a); break;
            case object[] { Length: 0 }: writer.Add(key, Array.Empty<string>()); break;
        }
    }
}
