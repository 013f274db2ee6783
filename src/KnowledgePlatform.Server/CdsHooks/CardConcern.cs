namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>What a card is about: general facts about a drug or condition, or something about this patient.</summary>
public enum CardConcern
{
    /// <summary>The drug's usual dose: information, whatever the passage says about other patients.</summary>
    Dose,
    /// <summary>The drug's renal adjustment, asked because the patient has a known eGFR.</summary>
    Renal,
    /// <summary>The drug with one of the patient's active medications.</summary>
    Interaction,
    /// <summary>Guidance for one of the patient's active conditions.</summary>
    Condition,
}
