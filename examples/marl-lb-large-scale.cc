/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * The study's large-scale testbed: 1 client, an edge router, 6 load balancers and 24 servers
 * (12 with 4 CPUs, 12 with 8), replaying Poisson traffic of CPU-bound requests whose work is
 * exponentially distributed with a mean of 200 ms.
 *
 * The study ran 398.5 and 419.3 requests/s on its testbed. Its servers' speed is not given,
 * so the rates are scaled to load this testbed's 144 CPUs by the same share. --load is the
 * share of the CPUs that the higher rate fills (0.92 by default, inside the study's
 * 80-95 %), and the lower rate keeps its ratio to it.
 *
 * For each rate and method it prints the JCT summary and the share of requests and busy
 * workers of each server group (the study's Table 7 and Figure 10).
 *
 * Example:
 *   marl-lb-large-scale --methods=ecmp,lsq,sed --duration=30
 */

#include "ns3/core-module.h"
#include "ns3/marl-lb-module.h"

#include <iomanip>
#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string methodList = "all";
    double duration = 30;
    double drain = 10;
    double load = 0.92;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string database;
    bool printSpeed = true;

    CommandLine cmd(__FILE__);
    cmd.Usage("Runs the study's large-scale testbed with Poisson traffic at its two rates.");
    cmd.AddValue("methods", "comma-separated methods, or all", methodList);
    cmd.AddValue("duration",
                 "seconds of traffic per run (the study's episodes last 30 s)",
                 duration);
    cmd.AddValue("drain", "seconds after the last request before the run ends", drain);
    cmd.AddValue("load", "share of the 144 CPUs that the 419.3 requests/s rate fills", load);
    cmd.AddValue("seed", "ns-3 random seed", seed);
    cmd.AddValue("run", "ns-3 run number", run);
    cmd.AddValue("database", "SQLite file that the runs are appended to; empty for none", database);
    cmd.AddValue("print-speed", "print the simulation speed on each line", printSpeed);
    cmd.Parse(argc, argv);

    if (!(duration > 0))
    {
        NS_FATAL_ERROR("--duration=" << duration << " must be a positive number of seconds");
    }
    if (drain < 0)
    {
        NS_FATAL_ERROR("--drain=" << drain << " must not be negative");
    }
    if (!(load > 0 && load <= 2))
    {
        NS_FATAL_ERROR("--load=" << load << " is outside (0, 2]; give a CPU share such as 0.92");
    }
    if (seed == 0)
    {
        NS_FATAL_ERROR("--seed=0 is invalid; ns-3 seeds start at 1");
    }
    std::vector<MethodSpec> methods = ParseMethodList(methodList, "--methods");
    Ptr<ResultStore> store;
    if (!database.empty())
    {
        store = Create<ResultStore>(database);
    }

    const Time meanWork = MilliSeconds(200);
    const Time iterationCost = NanoSeconds(50);
    TestbedHelper helper = TestbedHelper::Large();
    helper.SetServerAttribute("IterationCost", TimeValue(iterationCost));
    const double studyRates[] = {398.5, 419.3};
    double scaleFactor = load * helper.GetTotalCpus() / (studyRates[1] * meanWork.GetSeconds());

    ExperimentRunner runner(helper);
    runner.SetResultStore(
        store,
        "marl-lb-large-scale",
        {{"scale", "large"}, {"duration_s", std::to_string(duration)}, {"mean_work_ms", "200"}});
    for (int i = 0; i < 2; ++i)
    {
        double rate = studyRates[i] * scaleFactor;
        RequestTrace trace = RequestTrace::GeneratePoisson(rate,
                                                           Seconds(duration),
                                                           meanWork,
                                                           iterationCost,
                                                           100 + 2 * i);
        std::cout << std::fixed << std::setprecision(1) << "study rate " << studyRates[i]
                  << " requests/s, here " << std::setprecision(1) << rate << " requests/s ("
                  << trace.GetSize() << " requests), offered load " << std::setprecision(3)
                  << rate * meanWork.GetSeconds() / helper.GetTotalCpus() << " of "
                  << helper.GetTotalCpus() << " CPUs\n";
        PrintSummaryHeader(std::cout, printSpeed);
        for (const auto& method : methods)
        {
            PrintSummary(std::cout,
                         runner.Run(method, trace, Seconds(drain), seed, run),
                         printSpeed);
        }
        std::cout << "\n";
    }
    return 0;
}
