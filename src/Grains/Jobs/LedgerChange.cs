namespace Spgd.Grains.Jobs;

/// <summary>What an <see cref="ItemLedger"/> transition did to an item, and so what its caller owes.</summary>
public enum LedgerChange
{
    /// <summary>Nothing: a stale, duplicate or late event, or an item that has already ended.</summary>
    None,

    /// <summary>Pending again, with a retry time.</summary>
    Retrying,

    /// <summary>Ended in success: aggregate the worker's outcome.</summary>
    Succeeded,

    /// <summary>Ended in a failure its worker reported (and recorded): aggregate the worker's outcome.</summary>
    Failed,

    /// <summary>Ended in a failure the job declares (attempts spent): the job writes the item's record, then aggregates it.</summary>
    FailedDeclared,
}
