// One container engine for every test: run them one at a time, so a test that leaves a crashed run's container
// on purpose sees it before another test's executor connects and cleans it up (and 2 cores are not swamped).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
