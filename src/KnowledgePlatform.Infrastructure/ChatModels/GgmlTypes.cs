namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// The tensor types of ggml with their storage layout (elements per block, bytes per block), and the
/// llama.cpp file types ("quantizations") as people name them. Numbers are ggml's, fixed by the format.
/// </summary>
public static class GgmlTypes
{
    public sealed record TypeInfo(uint Id, string Name, int BlockSize, int BlockBytes);

    private static readonly Dictionary<uint, TypeInfo> Types = new TypeInfo[]
    {
        new(0, "F32", 1, 4), new(1, "F16", 1, 2), new(2, "Q4_0", 32, 18), new(3, "Q4_1", 32, 20),
        new(6, "Q5_0", 32, 22), new(7, "Q5_1", 32, 24), new(8, "Q8_0", 32, 34), new(9, "Q8_1", 32, 36),
        new(10, "Q2_K", 256, 84), new(11, "Q3_K", 256, 110), new(12, "Q4_K", 256, 144), new(13, "Q5_K", 256, 176),
        new(14, "Q6_K", 256, 210), new(15, "Q8_K", 256, 292), new(16, "IQ2_XXS", 256, 66), new(17, "IQ2_XS", 256, 74),
        new(18, "IQ3_XXS", 256, 98), new(19, "IQ1_S", 256, 50), new(20, "IQ4_NL", 32, 18), new(21, "IQ3_S", 256, 110),
        new(22, "IQ2_S", 256, 82), new(23, "IQ4_XS", 256, 136), new(24, "I8", 1, 1), new(25, "I16", 1, 2),
        new(26, "I32", 1, 4), new(27, "I64", 1, 8), new(28, "F64", 1, 8), new(29, "IQ1_M", 256, 56),
        new(30, "BF16", 1, 2), new(34, "TQ1_0", 256, 54), new(35, "TQ2_0", 256, 66), new(39, "MXFP4", 32, 17),
    }.ToDictionary(t => t.Id);

    public const uint F32 = 0;
    public const uint F16 = 1;

    public static TypeInfo? Find(uint id) => Types.GetValueOrDefault(id);

    public static string Name(uint id) => Types.TryGetValue(id, out var t) ? t.Name : $"type {id}";

    /// <summary>llama.cpp's general.file_type values: the quantization a file was made with.</summary>
    private static readonly Dictionary<uint, string> FileTypes = new()
    {
        [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1", [7] = "Q8_0", [8] = "Q5_0", [9] = "Q5_1",
        [10] = "Q2_K", [11] = "Q3_K_S", [12] = "Q3_K_M", [13] = "Q3_K_L", [14] = "Q4_K_S", [15] = "Q4_K_M",
        [16] = "Q5_K_S", [17] = "Q5_K_M", [18] = "Q6_K", [19] = "IQ2_XXS", [20] = "IQ2_XS", [21] = "Q2_K_S",
        [22] = "IQ3_XS", [23] = "IQ3_XXS", [24] = "IQ1_S", [25] = "IQ4_NL", [26] = "IQ3_S", [27] = "IQ3_M",
        [28] = "IQ2_S", [29] = "IQ2_M", [30] = "IQ4_XS", [31] = "IQ1_M", [32] = "BF16", [36] = "TQ1_0",
        [37] = "TQ2_0", [38] = "MXFP4_MOE",
    };

    public static string? FileTypeName(uint fileType) => FileTypes.GetValueOrDefault(fileType);
}
