/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Stores an emulated run of the real testbed in the result database and compares it with a
 * simulation of the same trace, in one table.
 *
 * \verbatim
 *   emulated:  replayer records (client JCTs) + load balancer's flow log --> ResultStore run
 *   simulated: TestbedHelper (1 client, 1 LB, the same servers) + ExperimentRunner --> run
 *   both:      one table: requests, completed, failed, mean/p50/p90/p99 JCT, flows per server
 * \endverbatim
 *
 * The emulated run's requests get the load balancer's decision from the flow log (joined on
 * the client's address and port), so both runs fill the same tables of the same schema.
 * realnet-bridge/run-testbed.sh calls this program at the end of a run; it can also be run
 * on its own on the files a run kept (--keep-dir).
 */

#include "experiment.h"
#include "jct-summary.h"
#include "realnet-records.h"
#include "realnet-trace.h"
#include "result-store.h"
#include "testbed-helper.h"

#include "ns3/core-module.h"

#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

namespace
{

/**
 * Prints one row of the comparison.
 * \param os the stream
 * \param label the row's name
 * \param records the run's requests
 * \param servers the number of servers
 */
void
PrintRow(std::ostream& os,
         const std::string& label,
         const std::vector<RequestRecord>& records,
         uint32_t servers)
{
    JctSummary summary(records);
    std::vector<uint64_t> perServer(servers, 0);
    uint64_t unknown = 0;
    for (const RequestRecord& record : records)
    {
        if (record.server < servers)
        {
            perServer[record.server]++;
        }
        else
        {
            unknown++;
        }
    }
    std::ostringstream shares;
    for (uint32_t i = 0; i < servers; ++i)
    {
        shares << (i > 0 ? "/" : "") << perServer[i];
    }
    if (unknown > 0)
    {
        shares << " (+" << unknown << " unknown)";
    }
    os << std::left << std::setw(10) << label << std::right << std::setw(9) << summary.GetRequests()
       << std::setw(10) << summary.GetCompleted() << std::setw(8) << summary.GetFailed()
       << std::fixed << std::setprecision(1) << std::setw(10) << summary.GetMeanMs() << std::setw(9)
       << summary.GetPercentileMs(50) << std::setw(9) << summary.GetPercentileMs(90) << std::setw(9)
       << summary.GetPercentileMs(99) << "  " << shares.str() << "\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string tracePath = std::string(MARL_LB_DATA_DIR) + "/traces/poisson-for-loop-rate-400.csv";
    double timeScale = 6;
    double workScale = 0.05;
    double duration = 20;
    std::string requestsPath;
    std::string flowsPath;
    std::string dbPath;
    std::string method = "sed";
    std::string serverCpus = "1,1";
    double iterationCostNs = 10;
    double drain = 10;
    uint32_t seed = 1;
    std::string notes;

    CommandLine cmd(__FILE__);
    cmd.AddValue("trace", "the trace both runs replay", tracePath);
    cmd.AddValue("time-scale", "factor on the trace's times, as the replayer used it", timeScale);
    cmd.AddValue("work-scale", "factor on the loop counts, as the replayer used it", workScale);
    cmd.AddValue("duration", "seconds of the scaled trace, as the replayer used it", duration);
    cmd.AddValue("requests", "the replayer's records (CSV)", requestsPath);
    cmd.AddValue("flows", "the load balancer's flow log (CSV)", flowsPath);
    cmd.AddValue("db", "SQLite result database to append both runs to", dbPath);
    cmd.AddValue("method", "the load-balancing method of both runs", method);
    cmd.AddValue("server-cpus", "comma-separated CPUs of each simulated server", serverCpus);
    cmd.AddValue("iteration-cost",
                 "measured CPU time of one PHP loop iteration, in ns",
                 iterationCostNs);
    cmd.AddValue("drain", "seconds after the trace before the simulation stops", drain);
    cmd.AddValue("seed", "ns-3 random seed of the simulation", seed);
    cmd.AddValue("notes", "key=value pairs stored with the emulated run (comma-separated)", notes);
    cmd.Parse(argc, argv);

    if (requestsPath.empty() || flowsPath.empty() || dbPath.empty())
    {
        NS_FATAL_ERROR("--requests, --flows and --db are required; run-testbed.sh passes them");
    }
    if (!(iterationCostNs > 0))
    {
        NS_FATAL_ERROR("--iteration-cost=" << iterationCostNs << " must be positive (ns)");
    }
    std::vector<uint32_t> cpus;
    {
        std::stringstream list(serverCpus);
        std::string item;
        while (std::getline(list, item, ','))
        {
            cpus.push_back(static_cast<uint32_t>(std::stoul(item)));
        }
    }
    std::vector<MethodSpec> methods = ParseMethodList(method, "--method");
    RequestTrace trace =
        ScaleTrace(RequestTrace::ReadFile(tracePath), timeScale, workScale, Seconds(duration));

    std::map<std::string, std::string> parameters = {
        {"method", methods[0].name},
        {"trace", tracePath},
        {"time_scale", std::to_string(timeScale)},
        {"work_scale", std::to_string(workScale)},
        {"duration_s", std::to_string(duration)},
        {"server_cpus", serverCpus},
        {"iteration_cost_ns", std::to_string(iterationCostNs)},
        {"seed", std::to_string(seed)},
        {"run", "1"},
    };

    // The emulated run: client records joined with the load balancer's decisions.
    std::vector<RequestRecord> emulated = ReadRequestRecords(requestsPath);
    std::vector<FlowLogEntry> flows = ReadFlowLog(flowsPath);
    uint64_t joined = AttachFlowLog(emulated, flows, 0);
    Ptr<ResultStore> store = Create<ResultStore>(dbPath);
    std::map<std::string, std::string> emulatedParameters = parameters;
    emulatedParameters["mode"] = "emulated";
    {
        std::stringstream list(notes);
        std::string item;
        while (std::getline(list, item, ','))
        {
            std::size_t equals = item.find('=');
            if (equals != std::string::npos)
            {
                emulatedParameters[item.substr(0, equals)] = item.substr(equals + 1);
            }
        }
    }
    int64_t emulatedRun = store->BeginRun("marl-lb-realnet-lb", emulatedParameters);
    for (const RequestRecord& record : emulated)
    {
        store->AddRequest(emulatedRun, record);
    }
    store->EndRun(emulatedRun, duration);

    // The simulated run of the same requests.
    TestbedHelper helper;
    helper.SetClientCount(1);
    helper.SetLoadBalancerCount(1);
    helper.SetServerCpus(cpus);
    helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(iterationCostNs)));
    ExperimentRunner runner(helper);
    std::map<std::string, std::string> simulatedParameters = parameters;
    simulatedParameters["mode"] = "simulated";
    runner.SetResultStore(store, "marl-lb-realnet-compare", simulatedParameters);
    ExperimentResult simulated = runner.Run(methods[0], trace, Seconds(drain), seed, 1);

    std::cout << "realnet-compare trace " << trace.GetName() << ", " << trace.GetSize()
              << " requests, method " << methods[0].label << ", " << cpus.size() << " servers\n";
    std::cout << "realnet-compare emulated requests matched to a flow " << joined << " of "
              << emulated.size() << "\n";
    std::cout << "realnet-compare database " << dbPath << " runs " << emulatedRun << " (emulated) "
              << simulated.runId << " (simulated)\n";
    std::cout << std::left << std::setw(10) << "run" << std::right << std::setw(9) << "requests"
              << std::setw(10) << "completed" << std::setw(8) << "failed" << std::setw(10)
              << "mean_ms" << std::setw(9) << "p50_ms" << std::setw(9) << "p90_ms" << std::setw(9)
              << "p99_ms"
              << "  per_server\n";
    PrintRow(std::cout, "emulated", emulated, static_cast<uint32_t>(cpus.size()));
    PrintRow(std::cout, "simulated", simulated.records, static_cast<uint32_t>(cpus.size()));
    return 0;
}
