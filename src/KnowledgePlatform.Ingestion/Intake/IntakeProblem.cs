namespace KnowledgePlatform.Ingestion.Intake;

/// <summary>Why an upload was refused; the API maps each to a 4xx status (507 when the storage fails).</summary>
public enum IntakeProblem
{
    Empty,
    TooLarge,
    UnsupportedType,
    InvalidContent,

    /// <summary>The file could not be written: the data folder is full, read-only or otherwise failing.</summary>
    StorageUnavailable,

    /// <summary>An item of a source that was removed while its sync was still reading it.</summary>
    SourceRemoved,
}
