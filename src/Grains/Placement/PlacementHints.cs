namespace Spgd.Grains.Placement;

/// <summary>
/// Request-context keys a caller sets for <see cref="DevicePlacementDirector"/>: the job names the silo whose
/// report freed a place, so the replacement item lands where a slot is about to be free, whatever the
/// (up to seconds old) published loads say.
/// </summary>
public static class PlacementHints
{
    /// <summary>Silo name (as in <c>ItemOutcome.Silo</c>) preferred for the new activation; ignored when that silo is gone or has no device.</summary>
    public const string PreferredSilo = "spgd.prefer-silo";
}
