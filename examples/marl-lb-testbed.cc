/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * The study's moderate-scale testbed replaying a request trace, once per load-balancing
 * method, with a JCT summary per method.
 *
 *   client ---+                  +--- LB 0 ---+
 *             |                  |            |  GRE, through the router
 *             +--- edge router --+--- LB 1 ---+
 *                   (per-flow    |
 *                    ECMP)       +--- server 0..6 (2, 2, 2, 2, 4, 4, 4 CPUs), VIP on a
 *                                     GRE endpoint, replies straight to the client
 *
 * The load calibration sets the CPU time per for-loop iteration so that the trace's mean
 * work fills --load of the servers' total CPU capacity. For each method the program prints
 * two lines. The first has requests, completed, failed, mean, p50, p90 and p99 JCT in ms,
 * requests per server and the simulation speed. The second has, per group of servers with
 * equal CPUs, the share of the requests and the mean busy workers per server.
 *
 * The RLB methods evaluate their agents greedily, without learning: a checkpoint written by
 * marl-lb-train with --agent-checkpoint, or fresh networks without it.
 *
 * Example:
 *   marl-lb-testbed --method=ecmp,sed --duration=60 --database=results.db
 *   marl-lb-testbed --method=rlb-qmix --agent-checkpoint=qmix.pt
 */

#include "ns3/core-module.h"
#include "ns3/marl-lb-module.h"

#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string methodList = "all";
    std::string tracePath = std::string(MARL_LB_DATA_DIR) + "/traces/poisson-for-loop-rate-400.csv";
    double duration = 60;
    double drain = 10;
    uint32_t seed = 1;
    uint32_t run = 1;
    double load = 0.875;
    double iterationCostNs = 0;
    bool printSpeed = true;
    std::string database;
    std::string plots;
    uint32_t mtu = 1500;
    double skip = 0;
    std::string agentCheckpoint;

    CommandLine cmd(__FILE__);
    cmd.Usage("Replays a request trace on the study's moderate-scale testbed, once per method, "
              "and prints a JCT summary per method.");
    cmd.AddValue("method",
                 "comma-separated methods (ecmp, wcmp, awcmp, lsq, sed, rlb-qmix, rlb-i-sac, "
                 "rlb-s-sac), or all for every implemented method without a learning agent",
                 methodList);
    cmd.AddValue("agent-checkpoint",
                 "checkpoint file that the RLB methods' agents load (from marl-lb-train); empty "
                 "for fresh networks",
                 agentCheckpoint);
    cmd.AddValue("trace", "request trace file (the study's CSV or WikiBench format)", tracePath);
    cmd.AddValue("duration", "seconds of the trace to replay", duration);
    cmd.AddValue("drain",
                 "seconds after the last request before unfinished requests count as failed",
                 drain);
    cmd.AddValue("seed", "ns-3 random seed (RngSeedManager::SetSeed)", seed);
    cmd.AddValue("run", "ns-3 run number (RngSeedManager::SetRun)", run);
    cmd.AddValue("load",
                 "load calibration: fraction of the servers' total CPU capacity that the "
                 "trace's mean work fills (sets the CPU time per for-loop iteration)",
                 load);
    cmd.AddValue("iteration-cost",
                 "CPU time per for-loop iteration in ns; overrides --load when > 0",
                 iterationCostNs);
    cmd.AddValue("database", "SQLite file that the runs are appended to; empty for none", database);
    cmd.AddValue("plots",
                 "path prefix of the plots (JCT CDF, busy workers, weights); empty for none",
                 plots);
    cmd.AddValue("mtu",
                 "MTU of every link in bytes; 9000 (jumbo frames) simulates faster but is not "
                 "the study's network",
                 mtu);
    cmd.AddValue("skip",
                 "seconds skipped at the start of the trace (the shipped traces ramp up at half "
                 "rate for their first 10 s)",
                 skip);
    cmd.AddValue("print-speed",
                 "print the simulation speed on each line (false gives output that depends on "
                 "the inputs only)",
                 printSpeed);
    cmd.Parse(argc, argv);

    if (!(duration > 0))
    {
        NS_FATAL_ERROR("--duration=" << duration << " must be a positive number of seconds");
    }
    if (drain < 0)
    {
        NS_FATAL_ERROR("--drain=" << drain << " must not be negative");
    }
    if (seed == 0)
    {
        NS_FATAL_ERROR("--seed=0 is invalid; ns-3 seeds start at 1");
    }
    if (iterationCostNs < 0)
    {
        NS_FATAL_ERROR("--iteration-cost=" << iterationCostNs
                                           << " is negative; give the CPU time per iteration in "
                                              "ns, or 0 to calibrate with --load");
    }
    if (iterationCostNs <= 0 && !(load > 0 && load <= 2))
    {
        NS_FATAL_ERROR("--load=" << load
                                 << " is outside (0, 2]; give the target CPU utilisation "
                                    "such as 0.875, or --iteration-cost");
    }
    std::vector<MethodSpec> methods = ParseMethodList(methodList, "--method");
    Ptr<ResultStore> store;
    if (!database.empty())
    {
        // Checked before any simulation, so that a bad path costs nothing.
        store = Create<ResultStore>(database);
    }

    if (mtu < 576 || mtu > 9000)
    {
        NS_FATAL_ERROR("--mtu=" << mtu << " is outside 576..9000 bytes");
    }
    if (skip < 0)
    {
        NS_FATAL_ERROR("--skip=" << skip << " must not be negative");
    }
    RequestTrace full = RequestTrace::ReadFile(tracePath);
    if (Seconds(skip + duration) > full.GetDuration() + Seconds(1))
    {
        NS_FATAL_ERROR("trace " << tracePath << " ends at " << full.GetDuration().GetSeconds()
                                << " s, before --skip + --duration = " << skip + duration
                                << " s; lower --skip or --duration, so that the request rate "
                                   "and the load calibration stay true");
    }
    std::vector<TraceRequest> window;
    for (const auto& request : full.GetRequests())
    {
        if (request.time >= Seconds(skip) && request.time < Seconds(skip + duration))
        {
            window.push_back({request.time - Seconds(skip), request.url});
        }
    }
    RequestTrace trace(window, full.GetName());
    if (trace.GetSize() == 0)
    {
        NS_FATAL_ERROR("trace " << tracePath << " has no request in its first " << duration
                                << " s; give a longer --duration");
    }
    TestbedHelper helper = TestbedHelper::Moderate();
    helper.SetMtu(static_cast<uint16_t>(mtu));
    Time iterationCost =
        iterationCostNs > 0
            ? NanoSeconds(iterationCostNs)
            : CalibrateIterationCost(trace, Seconds(duration), helper.GetTotalCpus(), load);
    helper.SetServerAttribute("IterationCost", TimeValue(iterationCost));
    // The RLB agents are evaluated: greedy actions, no exploration and no learning.
    helper.SetAgentAttribute("EnableTraining", BooleanValue(false));
    helper.SetAgentAttribute("Checkpoint", StringValue(agentCheckpoint));
    double rate = trace.GetSize() / duration;
    double offeredLoad =
        rate * trace.GetMeanIterations() * iterationCost.GetSeconds() / helper.GetTotalCpus();

    auto slash = tracePath.find_last_of('/');
    std::cout << "trace " << (slash == std::string::npos ? tracePath : tracePath.substr(slash + 1))
              << ": " << trace.GetSize() << " requests in " << duration << " s (" << std::fixed
              << std::setprecision(1) << rate << " requests/s), iteration cost "
              << iterationCost.GetNanoSeconds() << " ns, offered load " << std::setprecision(3)
              << offeredLoad << " of " << helper.GetTotalCpus() << " CPUs\n";
    PrintSummaryHeader(std::cout, printSpeed);

    ExperimentRunner runner(helper);
    runner.SetResultStore(store,
                          "marl-lb-testbed",
                          {{"scale", "moderate"},
                           {"mtu", std::to_string(mtu)},
                           {"skip_s", std::to_string(skip)},
                           {"agent_checkpoint", agentCheckpoint},
                           {"duration_s", std::to_string(duration)},
                           {"load", std::to_string(offeredLoad)},
                           {"iteration_cost_ns", std::to_string(iterationCost.GetNanoSeconds())}});
    std::vector<ExperimentResult> results;
    for (const auto& method : methods)
    {
        results.push_back(runner.Run(method, trace, Seconds(drain), seed, run));
        PrintSummary(std::cout, results.back(), printSpeed);
    }

    if (!plots.empty())
    {
        ResultPlots writer(plots);
        writer.PlotJctCdf(results);
        for (const auto& result : results)
        {
            writer.PlotBusyWorkers(result);
            writer.PlotWeights(result);
        }
        bool rendered = writer.Render();
        std::cerr << "plots: " << writer.GetScripts().size() << " gnuplot scripts under " << plots
                  << (rendered ? ", rendered to PNG" : ", not rendered (gnuplot missing)")
                  << std::endl;
    }
    if (store)
    {
        std::cerr << "results appended to " << database << std::endl;
    }
    return 0;
}
