/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "result-plots.h"

#include "ns3/fatal-error.h"
#include "ns3/gnuplot.h"
#include "ns3/log.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ResultPlots");

ResultPlots::ResultPlots(std::string prefix)
    : m_prefix(std::move(prefix))
{
    // A folder as prefix would give file names starting with '-', which gnuplot reads as
    // options: name the files inside it.
    if (m_prefix.empty() || m_prefix.back() == '/')
    {
        m_prefix += "marl-lb";
    }
}

std::string
ResultPlots::Write(Gnuplot& plot, const std::string& name) const
{
    std::string script = m_prefix + "-" + name + ".plt";
    std::string data = m_prefix + "-" + name + ".dat";
    // The PNG and the data file are named relative to the script, so the files can move
    // together and the script runs from its own folder.
    auto base = [](const std::string& path) {
        auto slash = path.find_last_of('/');
        return slash == std::string::npos ? path : path.substr(slash + 1);
    };
    plot.SetTerminal("png size 900,600");
    plot.SetOutputFilename(base(m_prefix + "-" + name + ".png"));
    std::ofstream control(script);
    std::ofstream values(data);
    if (!control || !values)
    {
        NS_FATAL_ERROR("cannot write plot files " << script << " and " << data
                                                  << "; check that the folder exists and is "
                                                     "writable");
    }
    plot.GenerateOutput(control, values, base(data));
    m_scripts.push_back(script);
    return script;
}

std::string
ResultPlots::PlotJctCdf(const std::vector<ExperimentResult>& results) const
{
    Gnuplot plot;
    plot.SetTitle("JCT distribution of completed requests");
    plot.SetLegend("JCT (ms)", "fraction of requests");
    plot.SetExtra("set logscale x\nset key bottom right\nset grid");
    for (const auto& result : results)
    {
        std::vector<double> jct;
        for (const auto& record : result.records)
        {
            if (record.outcome == RequestOutcome::COMPLETED)
            {
                jct.push_back(record.GetJct().GetSeconds() * 1000.0);
            }
        }
        std::sort(jct.begin(), jct.end());
        Gnuplot2dDataset dataset(result.method.label);
        dataset.SetStyle(Gnuplot2dDataset::LINES);
        // At most 500 points per curve: the empirical CDF at evenly spaced ranks.
        std::size_t points = std::min<std::size_t>(jct.size(), 500);
        for (std::size_t k = 1; k <= points; ++k)
        {
            std::size_t rank = k * jct.size() / points;
            dataset.Add(jct[rank - 1], static_cast<double>(rank) / jct.size());
        }
        plot.AddDataset(dataset);
    }
    return Write(plot, "jct-cdf");
}

std::string
ResultPlots::PlotBusyWorkers(const ExperimentResult& result) const
{
    Gnuplot plot;
    plot.SetTitle("Busy workers per server, " + result.method.label);
    plot.SetLegend("time (s)", "mean busy workers per server");
    plot.SetExtra("set grid");
    // Group by CPU count: sum per sampling time, then divide by the group's size.
    std::map<uint32_t, std::map<int64_t, double>> sums;
    std::map<uint32_t, uint32_t> groupSize;
    for (uint32_t cpus : result.serverCpus)
    {
        groupSize[cpus]++;
    }
    for (const auto& sample : result.samples)
    {
        sums[result.serverCpus[sample.server]][sample.time.GetNanoSeconds()] += sample.busyWorkers;
    }
    for (const auto& [cpus, byTime] : sums)
    {
        Gnuplot2dDataset dataset(std::to_string(cpus) + "-CPU servers");
        dataset.SetStyle(Gnuplot2dDataset::LINES);
        for (const auto& [nanoseconds, sum] : byTime)
        {
            dataset.Add(nanoseconds / 1e9, sum / groupSize[cpus]);
        }
        plot.AddDataset(dataset);
    }
    return Write(plot, "busy-workers-" + result.method.name);
}

std::string
ResultPlots::PlotWeights(const ExperimentResult& result) const
{
    Gnuplot plot;
    plot.SetTitle("Server weights at load balancer 0, " + result.method.label);
    plot.SetLegend("time (s)", "weight");
    plot.SetExtra("set grid");
    std::map<uint32_t, Gnuplot2dDataset> perServer;
    std::map<uint32_t, double> lastWeight;
    for (uint32_t server = 0; server < result.serverCpus.size(); ++server)
    {
        lastWeight[server] = result.serverCpus[server];
        Gnuplot2dDataset dataset("server " + std::to_string(server));
        dataset.SetStyle(Gnuplot2dDataset::STEPS);
        // Every weight starts at the server's CPU count.
        dataset.Add(0.0, result.serverCpus[server]);
        perServer.emplace(server, dataset);
    }
    for (const auto& change : result.weights)
    {
        if (change.loadBalancer == 0)
        {
            perServer.at(change.server).Add(change.time.GetSeconds(), change.weight);
            lastWeight[change.server] = change.weight;
        }
    }
    for (auto& [server, dataset] : perServer)
    {
        // Extend the last step to the end of the run.
        dataset.Add(result.simulated.GetSeconds(), lastWeight[server]);
        plot.AddDataset(dataset);
    }
    return Write(plot, "weights-" + result.method.name);
}

bool
ResultPlots::Render() const
{
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0)
    {
        NS_LOG_WARN("gnuplot is not installed; the .plt and .dat files stay for later");
        return false;
    }
    bool rendered = true;
    for (const auto& script : m_scripts)
    {
        auto slash = script.find_last_of('/');
        std::string folder = slash == std::string::npos ? "." : script.substr(0, slash);
        std::string name = slash == std::string::npos ? script : script.substr(slash + 1);
        std::string command = "cd '" + folder + "' && gnuplot '" + name + "'";
        if (std::system(command.c_str()) != 0)
        {
            NS_LOG_WARN("gnuplot failed on " << script);
            rendered = false;
        }
    }
    return rendered;
}

const std::vector<std::string>&
ResultPlots::GetScripts() const
{
    return m_scripts;
}

} // namespace ns3
