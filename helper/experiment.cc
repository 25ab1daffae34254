/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "experiment.h"

#include "jct-summary.h"

#include "ns3/fatal-error.h"
#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Experiment");

namespace
{

/// Wall-clock seconds since an arbitrary origin.
double
WallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string
JoinNames(bool implementedOnly)
{
    std::ostringstream names;
    for (const auto& method : GetStudyMethods())
    {
        if (!implementedOnly || !method.policy.empty())
        {
            names << (names.tellp() > 0 ? ", " : "") << method.name;
        }
    }
    return names.str();
}

} // namespace

const std::vector<MethodSpec>&
GetStudyMethods()
{
    static const std::vector<MethodSpec> methods = {
        {"ecmp", "ECMP", "ns3::EcmpPolicy", false, "", 0},
        {"wcmp", "WCMP", "ns3::WcmpPolicy", false, "", 0},
        {"awcmp", "AWCMP", "ns3::WcmpPolicy", true, "", 0},
        {"lsq", "LSQ", "ns3::LsqPolicy", false, "", 0},
        {"sed", "SED", "ns3::SedPolicy", false, "", 0},
        // RLB methods are SED with the weights that their agents write every step.
        {"rlb-qmix", "RLB-QMIX", "ns3::SedPolicy", false, "ns3::QmixAgent", 0},
        {"rlb-i-sac", "RLB-I-SAC", "ns3::SedPolicy", false, "ns3::IndependentSacAgent", 0},
        {"rlb-s-sac", "RLB-S-SAC", "ns3::SedPolicy", false, "ns3::SingleSacAgent", 1},
    };
    return methods;
}

std::vector<MethodSpec>
ParseMethodList(const std::string& list, const std::string& option)
{
    std::vector<MethodSpec> chosen;
    if (list == "all")
    {
        // The learning methods need trained agents to mean anything, so "all" leaves them out.
        for (const auto& method : GetStudyMethods())
        {
            if (!method.policy.empty() && method.agent.empty())
            {
                chosen.push_back(method);
            }
        }
        return chosen;
    }
    std::istringstream items(list);
    std::string name;
    while (std::getline(items, name, ','))
    {
        const MethodSpec* found = nullptr;
        for (const auto& method : GetStudyMethods())
        {
            if (method.name == name)
            {
                found = &method;
            }
        }
        if (!found)
        {
            NS_FATAL_ERROR("unknown method '" << name << "' in " << option << "; valid methods are "
                                              << JoinNames(false) << ", or all");
        }
        if (found->policy.empty())
        {
            NS_FATAL_ERROR("method '" << name
                                      << "' is not implemented in this version of marl-lb; "
                                         "available now: "
                                      << JoinNames(true));
        }
        TypeId agent;
        if (!found->agent.empty() && !TypeId::LookupByNameFailSafe(found->agent, &agent))
        {
            NS_FATAL_ERROR("method '" << name << "' needs the learning agents (" << found->agent
                                      << "), which are in the ns3-marl-lb-agents library; "
                                         "build with libtorch-dev installed and link the "
                                         "program with that library");
        }
        chosen.push_back(*found);
    }
    if (chosen.empty())
    {
        NS_FATAL_ERROR(option << " is empty; give a comma-separated list such as ecmp,sed");
    }
    return chosen;
}

Time
CalibrateIterationCost(const RequestTrace& trace, Time duration, uint32_t totalCpus, double load)
{
    double meanIterations = trace.GetMeanIterations();
    if (!(meanIterations > 0))
    {
        NS_FATAL_ERROR("trace " << trace.GetName()
                                << " has no for-loop request to calibrate the load with; give "
                                   "the CPU time per iteration instead");
    }
    double rate = trace.GetSize() / duration.GetSeconds();
    return Seconds(load * totalCpus / (rate * meanIterations));
}

ExperimentRunner::ExperimentRunner(TestbedHelper testbed)
    : m_testbed(std::move(testbed))
{
}

TestbedHelper&
ExperimentRunner::GetTestbedHelper()
{
    return m_testbed;
}

void
ExperimentRunner::SetResultStore(Ptr<ResultStore> store,
                                 const std::string& example,
                                 const std::map<std::string, std::string>& parameters)
{
    m_store = store;
    m_example = example;
    m_parameters = parameters;
}

void
ExperimentRunner::SetProgressInterval(Time interval)
{
    m_progressInterval = interval;
}

void
ExperimentRunner::ReportProgress(Time stop)
{
    double elapsed = WallSeconds() - m_wallStart;
    double simulated = Simulator::Now().GetSeconds();
    double speed = elapsed > 0 ? simulated / elapsed : 0;
    double left = speed > 0 ? (stop.GetSeconds() - simulated) / speed : 0;
    std::cerr << std::fixed << std::setprecision(1) << "[" << m_label << "] " << simulated << " of "
              << stop.GetSeconds() << " s simulated, " << std::setprecision(0)
              << (elapsed > 0 ? Simulator::GetEventCount() / elapsed : 0) << " events/s, about "
              << left << " s left" << std::endl;
    if (Simulator::Now() + m_progressInterval < stop)
    {
        Simulator::Schedule(m_progressInterval, &ExperimentRunner::ReportProgress, this, stop);
    }
}

ExperimentResult
ExperimentRunner::Run(const MethodSpec& method,
                      const RequestTrace& trace,
                      Time drain,
                      uint32_t seed,
                      uint32_t run)
{
    NS_LOG_FUNCTION(this << method.name << seed << run);
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    m_testbed.SetPolicy(TypeId::LookupByName(method.policy));
    m_testbed.SetEnableBusyWorkerProbe(method.busyWorkerProbe);
    m_testbed.SetAgent(method.agent.empty() ? TypeId() : TypeId::LookupByName(method.agent));
    const uint32_t loadBalancers = m_testbed.GetLoadBalancerCount();
    if (method.loadBalancers > 0)
    {
        m_testbed.SetLoadBalancerCount(method.loadBalancers);
    }

    ExperimentResult result;
    result.method = method;
    result.serverCpus = m_testbed.GetServerCpus();
    if (m_store)
    {
        auto parameters = m_parameters;
        parameters["method"] = method.name;
        parameters["seed"] = std::to_string(seed);
        parameters["run"] = std::to_string(run);
        parameters["trace"] = trace.GetName();
        parameters["requests"] = std::to_string(trace.GetSize());
        result.runId = m_store->BeginRun(m_example, parameters);
    }

    Ptr<Testbed> testbed = m_testbed.Build();
    m_testbed.SetLoadBalancerCount(loadBalancers);
    testbed->AssignStreams(1000);
    Time duration = trace.GetDuration();
    Time stop = duration + drain;
    testbed->ReplayTrace(trace, Seconds(0), stop);
    testbed->EnableServerSampling(MilliSeconds(200), stop);
    for (uint32_t l = 0; l < testbed->loadBalancerApps.size(); ++l)
    {
        testbed->loadBalancerApps[l]->GetDataPlane()->TraceConnectWithoutContext(
            "WeightApplied",
            MakeCallback(+[](std::vector<ExperimentResult::WeightChange>* changes,
                             uint32_t loadBalancer,
                             uint32_t server,
                             double weight) {
                changes->push_back({loadBalancer, server, Simulator::Now(), weight});
            }).Bind(&result.weights, l));
    }
    if (m_store)
    {
        // Store each request as it ends, so that an interrupted run keeps what it measured.
        testbed->SetRequestEndedCallback(
            MakeCallback(+[](ResultStore* store, int64_t id, const RequestRecord& record) {
                store->AddRequest(id, record);
            }).Bind(PeekPointer(m_store), result.runId));
    }

    m_label = method.label;
    m_wallStart = WallSeconds();
    if (m_progressInterval.IsStrictlyPositive())
    {
        Simulator::Schedule(m_progressInterval, &ExperimentRunner::ReportProgress, this, stop);
    }
    Simulator::Stop(stop + MilliSeconds(1));
    Simulator::Run();
    result.wallSeconds = WallSeconds() - m_wallStart;
    result.events = Simulator::GetEventCount();
    result.simulated = stop;
    result.records = testbed->CollectRecords();
    result.samples = testbed->GetServerSamples();
    Simulator::Destroy();

    if (m_store)
    {
        for (const auto& sample : result.samples)
        {
            m_store->AddServerSample(
                result.runId,
                {sample.time, sample.server, sample.busyWorkers, sample.backlog});
        }
        m_store->EndRun(result.runId, result.wallSeconds);
    }
    return result;
}

void
PrintSummaryHeader(std::ostream& os, bool printSpeed)
{
    os << std::left << std::setw(10) << "method" << std::right << std::setw(9) << "requests"
       << std::setw(10) << "completed" << std::setw(8) << "failed" << std::setw(10) << "mean_ms"
       << std::setw(10) << "p50_ms" << std::setw(10) << "p90_ms" << std::setw(10) << "p99_ms"
       << "  requests_per_server" << (printSpeed ? "  speed" : "") << "\n";
}

void
PrintSummary(std::ostream& os, const ExperimentResult& result, bool printSpeed)
{
    JctSummary summary(result.records);
    std::vector<uint64_t> perServer(result.serverCpus.size(), 0);
    for (const auto& record : result.records)
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
    os << std::left << std::setw(10) << result.method.label << std::right << std::setw(9)
       << summary.GetRequests() << std::setw(10) << summary.GetCompleted() << std::setw(8)
       << summary.GetFailed() << std::fixed << std::setprecision(1) << std::setw(10)
       << summary.GetMeanMs() << std::setw(10) << summary.GetPercentileMs(50) << std::setw(10)
       << summary.GetPercentileMs(90) << std::setw(10) << summary.GetPercentileMs(99) << "  "
       << shares.str();
    if (printSpeed)
    {
        os << "  " << std::setprecision(2) << result.simulated.GetSeconds() / result.wallSeconds
           << " sim-s/s " << std::setprecision(0) << result.events / result.wallSeconds
           << " events/s";
    }
    os << "\n";

    // Per group of servers with equal CPUs: share of requests and mean busy workers.
    std::map<uint32_t, uint64_t> requests;
    std::map<uint32_t, double> busy;
    std::map<uint32_t, uint64_t> samples;
    for (std::size_t s = 0; s < perServer.size(); ++s)
    {
        requests[result.serverCpus[s]] += perServer[s];
    }
    for (const auto& sample : result.samples)
    {
        busy[result.serverCpus[sample.server]] += sample.busyWorkers;
        samples[result.serverCpus[sample.server]]++;
    }
    uint64_t dispatched = std::accumulate(perServer.begin(), perServer.end(), uint64_t{0});
    os << "          ";
    for (const auto& [cpus, count] : requests)
    {
        os << " " << cpus << "-CPU servers: " << std::setprecision(1)
           << 100.0 * count / std::max<uint64_t>(dispatched, 1) << " % of requests, "
           << std::setprecision(2) << busy[cpus] / std::max<uint64_t>(samples[cpus], 1)
           << " busy workers;";
    }
    os << std::endl;
}

} // namespace ns3
