namespace Spgd.Core.Operators;

/// <summary>Where the box of <see cref="TaskNames.InpaintingBox"/> goes.</summary>
public enum BoxPlacement
{
    /// <summary>
    /// The reference policy: top-left corner drawn uniformly (from the seed) so that the box stays at least
    /// <see cref="OperatorSettings.BoxMargin"/> pixels from the top and left edges, and ends more than a
    /// margin before the bottom and right edges.
    /// </summary>
    Random,

    /// <summary>The box is centred (no random draw).</summary>
    Center,
}
