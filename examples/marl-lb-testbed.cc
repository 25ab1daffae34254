/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * The study's moderate-scale testbed replaying a request trace, once per load-balancing
 * method, with a one-line summary of job completion times (JCT) per method.
 *
 *   client ---+                  +--- LB 0 ---+
 *             |                  |            |  GRE, through the router
 *             +--- edge router --+--- LB 1 ---+
 *                   (per-flow    |
 *                    ECMP)       +--- server 0..6 (2, 2, 2, 2, 4, 4, 4 CPUs), VIP on a
 *                                     GRE endpoint, replies straight to the client
 *
 * The load calibration sets the CPU time per for-loop iteration so that the trace's mean
 * work fills --load of the servers' total CPU capacity.
 *
 * Example:
 *   marl-lb-testbed --method=ecmp,sed --duration=60
 */

#include "ns3/core-module.h"
#include "ns3/marl-lb-module.h"

#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>

using namespace ns3;

namespace
{

/// One load-balancing method of the study.
struct Method
{
    std::string name;     //!< command-line name
    std::string label;    //!< name as the study prints it
    std::string policy;   //!< TypeId name of the policy, empty if not available yet
};

const std::vector<Method>&
GetMethods()
{
    static const std::vector<Method> methods = {
        {"ecmp", "ECMP", "ns3::EcmpPolicy"},
        {"wcmp", "WCMP", "ns3::WcmpPolicy"},
        {"awcmp", "AWCMP", ""},
        {"lsq", "LSQ", "ns3::LsqPolicy"},
        {"sed", "SED", "ns3::SedPolicy"},
        {"rlb-qmix", "RLB-QMIX", ""},
        {"rlb-i-sac", "RLB-I-SAC", ""},
        {"rlb-s-sac", "RLB-S-SAC", ""},
    };
    return methods;
}

std::string
ListMethodNames()
{
    std::ostringstream names;
    for (const auto& method : GetMethods())
    {
        names << (names.tellp() > 0 ? ", " : "") << method.name;
    }
    return names.str();
}

std::string
ListAvailableMethodNames()
{
    std::ostringstream names;
    for (const auto& method : GetMethods())
    {
        if (!method.policy.empty())
        {
            names << (names.tellp() > 0 ? ", " : "") << method.name;
        }
    }
    return names.str();
}

std::vector<Method>
ParseMethods(const std::string& list)
{
    std::vector<Method> chosen;
    std::istringstream items(list);
    std::string name;
    while (std::getline(items, name, ','))
    {
        auto it = std::find_if(GetMethods().begin(), GetMethods().end(), [&name](const Method& m) {
            return m.name == name;
        });
        if (it == GetMethods().end())
        {
            NS_FATAL_ERROR("unknown method '" << name << "' in --method; valid methods are "
                                              << ListMethodNames());
        }
        if (it->policy.empty())
        {
            NS_FATAL_ERROR("method '" << name
                                      << "' is not implemented in this version of marl-lb; "
                                         "available now: "
                                      << ListAvailableMethodNames());
        }
        chosen.push_back(*it);
    }
    if (chosen.empty())
    {
        NS_FATAL_ERROR("--method is empty; give a comma-separated list such as ecmp,sed");
    }
    return chosen;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string methodList = "ecmp,wcmp,lsq,sed";
    std::string tracePath = std::string(MARL_LB_DATA_DIR) + "/traces/poisson-for-loop-rate-400.csv";
    double duration = 60;
    double drain = 10;
    uint32_t seed = 1;
    uint32_t run = 1;
    double load = 0.875;
    double iterationCostNs = 0;
    bool printSpeed = true;

    CommandLine cmd(__FILE__);
    cmd.Usage("Replays a request trace on the study's moderate-scale testbed, once per method, "
              "and prints one JCT summary line per method.");
    cmd.AddValue("method", "comma-separated methods: " + ListMethodNames(), methodList);
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
    if (iterationCostNs <= 0 && !(load > 0 && load <= 2))
    {
        NS_FATAL_ERROR("--load=" << load << " is outside (0, 2]; give the target CPU utilisation "
                                            "such as 0.875, or --iteration-cost");
    }
    std::vector<Method> methods = ParseMethods(methodList);

    RequestTrace trace = RequestTrace::ReadFile(tracePath).Truncate(Seconds(duration));
    if (trace.GetSize() == 0)
    {
        NS_FATAL_ERROR("trace " << tracePath << " has no request in its first " << duration
                                << " s; give a longer --duration");
    }
    TestbedHelper helper = TestbedHelper::Moderate();

    // Load calibration: cost = load * CPUs / (requests per second * mean iterations).
    double meanIterations = trace.GetMeanIterations();
    double rate = trace.GetSize() / duration;
    Time iterationCost;
    if (iterationCostNs > 0)
    {
        iterationCost = NanoSeconds(iterationCostNs);
    }
    else
    {
        if (meanIterations <= 0)
        {
            NS_FATAL_ERROR("trace " << tracePath
                                    << " has no for-loop request to calibrate the load with; "
                                       "give --iteration-cost");
        }
        iterationCost = Seconds(load * helper.GetTotalCpus() / (rate * meanIterations));
    }
    double offeredLoad = rate * meanIterations * iterationCost.GetSeconds() / helper.GetTotalCpus();

    std::cout << "trace " << trace.GetName() << ": " << trace.GetSize() << " requests in "
              << duration << " s (" << std::fixed << std::setprecision(1) << rate
              << " requests/s), iteration cost " << std::setprecision(2)
              << iterationCost.GetNanoSeconds() << " ns, offered load " << std::setprecision(3)
              << offeredLoad << " of " << helper.GetTotalCpus() << " CPUs\n";
    std::cout << std::left << std::setw(10) << "method" << std::right << std::setw(9)
              << "requests" << std::setw(10) << "completed" << std::setw(8) << "failed"
              << std::setw(10) << "mean_ms" << std::setw(10) << "p50_ms" << std::setw(10)
              << "p90_ms" << std::setw(10) << "p99_ms"
              << "  requests_per_server" << (printSpeed ? "  speed" : "") << "\n";

    for (const auto& method : methods)
    {
        RngSeedManager::SetSeed(seed);
        RngSeedManager::SetRun(run);
        helper.SetPolicy(TypeId::LookupByName(method.policy));
        helper.SetServerAttribute("IterationCost", TimeValue(iterationCost));
        Ptr<Testbed> testbed = helper.Build();
        testbed->AssignStreams(1000);
        Time stop = Seconds(duration + drain);
        testbed->ReplayTrace(trace, Seconds(0), stop);
        testbed->EnableServerSampling(MilliSeconds(200), Seconds(duration));

        auto wallStart = std::chrono::steady_clock::now();
        Simulator::Stop(stop + MilliSeconds(1));
        Simulator::Run();
        double wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

        std::vector<RequestRecord> records = testbed->CollectRecords();
        JctSummary summary(records);
        std::vector<uint64_t> perServer(testbed->serverApps.size(), 0);
        for (const auto& record : records)
        {
            if (record.server != RequestRecord::UNKNOWN)
            {
                perServer[record.server]++;
            }
        }
        std::ostringstream shares;
        for (std::size_t s = 0; s < perServer.size(); ++s)
        {
            shares << (s > 0 ? "/" : "") << perServer[s];
        }
        std::cout << std::left << std::setw(10) << method.label << std::right << std::setw(9)
                  << summary.GetRequests() << std::setw(10) << summary.GetCompleted()
                  << std::setw(8) << summary.GetFailed() << std::fixed << std::setprecision(1)
                  << std::setw(10) << summary.GetMeanMs() << std::setw(10)
                  << summary.GetPercentileMs(50) << std::setw(10) << summary.GetPercentileMs(90)
                  << std::setw(10) << summary.GetPercentileMs(99) << "  " << shares.str();
        if (printSpeed)
        {
            std::cout << "  " << std::setprecision(2) << stop.GetSeconds() / wallSeconds
                      << " sim-s/s";
        }
        std::cout << std::endl;

        // Per group of servers with equal CPUs: share of requests and mean busy workers.
        std::map<uint32_t, std::pair<uint64_t, double>> groups;
        std::map<uint32_t, uint64_t> samplesPerGroup;
        const auto& cpus = helper.GetServerCpus();
        for (std::size_t s = 0; s < perServer.size(); ++s)
        {
            groups[cpus[s]].first += perServer[s];
        }
        for (const auto& sample : testbed->GetServerSamples())
        {
            groups[cpus[sample.server]].second += sample.busyWorkers;
            samplesPerGroup[cpus[sample.server]]++;
        }
        uint64_t dispatched = std::accumulate(perServer.begin(), perServer.end(), uint64_t{0});
        std::cout << "          ";
        for (const auto& [groupCpus, totals] : groups)
        {
            std::cout << " " << groupCpus << "-CPU servers: " << std::setprecision(1)
                      << 100.0 * totals.first / std::max<uint64_t>(dispatched, 1)
                      << " % of requests, " << std::setprecision(2)
                      << totals.second / std::max<uint64_t>(samplesPerGroup[groupCpus], 1)
                      << " busy workers;";
        }
        std::cout << std::endl;
        Simulator::Destroy();
    }
    return 0;
}
