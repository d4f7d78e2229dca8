namespace Voicebot.Conversation.Understanding;

/// <summary>What a caller's sentence means for the SAV flow. Flow files name intents in lower case (<c>internet</c>, <c>yes</c>…).</summary>
public enum Intent
{
    /// <summary>Nothing the flow can act on.</summary>
    None,

    /// <summary>A problem with the Internet access: box, fibre, ADSL, Wi-Fi.</summary>
    Internet,

    /// <summary>A problem with the mobile phone or the mobile network: reception, 4G/5G, SMS, calls.</summary>
    Mobile,

    /// <summary>Yes, agreement, "it works now".</summary>
    Yes,

    /// <summary>No, disagreement, "it still does not work".</summary>
    No,

    /// <summary>The caller asks for a human (advisor, technician, a real person).</summary>
    Human,
}
