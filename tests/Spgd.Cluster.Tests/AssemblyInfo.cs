// The in-process TestingHost clusters and the multi-process fault tests depend on lease and heartbeat timings;
// run them one collection at a time so a loaded 2-core CI machine does not starve one suite with another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
