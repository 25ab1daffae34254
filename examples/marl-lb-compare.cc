/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/*
 * Compares load-balancing methods across traffic rates and repeated runs, and prints tables
 * shaped like the study's: for each method and rate, the mean +- standard deviation over runs
 * of the mean JCT, and of the 90th-percentile JCT.
 *
 * Moderate scale (1 client, 2 load balancers, 7 servers with 20 CPUs) replays the shipped
 * PHP for-loop traces at the chosen rates. Large scale (6 load balancers, 24 servers with
 * 144 CPUs) replays Poisson traffic with exponential work of mean 200 ms. The given rates are
 * scaled by one factor so that the highest rate fills --load of the CPUs. The study's rates
 * are 398.5 and 419.3 requests/s; see marl-lb-large-scale.
 *
 * One CPU time per iteration serves every rate, calibrated so that the highest rate fills
 * --load of the CPUs: lower rates then load the testbed less, as in the study.
 *
 * Runs differ by their traffic. Run r of a moderate-scale rate replays the trace's r-th
 * window of --duration seconds after --skip, and run r of a large-scale rate draws its own
 * Poisson traffic. Every method gets the same traffic in the same run.
 *
 * Example:
 *   marl-lb-compare --methods=all --rates=350,400,500 --runs=3 --duration=30 \
 *                   --database=results.db --csv=compare.csv --plots=compare
 */

#include "ns3/core-module.h"
#include "ns3/marl-lb-module.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string methodList = "all";
    std::string rateList = "350,400,500";
    std::string scale = "moderate";
    uint32_t runs = 1;
    double duration = 30;
    double skip = 10;
    double drain = 10;
    double load = 0.875;
    uint32_t seed = 1;
    std::string database;
    std::string csv;
    std::string plots;
    double progress = 10;

    CommandLine cmd(__FILE__);
    cmd.Usage("Runs methods x traffic rates x runs and prints the study's comparison tables.");
    cmd.AddValue("methods", "comma-separated methods, or all", methodList);
    cmd.AddValue("rates",
                 "moderate scale: comma-separated shipped trace rates (150, 200, 350, 400, 500); "
                 "large scale: Poisson rates in requests/s",
                 rateList);
    cmd.AddValue("scale", "moderate or large", scale);
    cmd.AddValue("runs", "runs per method and rate; run r uses ns-3 run number r", runs);
    cmd.AddValue("duration", "seconds of traffic per run", duration);
    cmd.AddValue("skip",
                 "moderate scale: seconds skipped at the start of each trace (its first 10 s "
                 "ramp up at half rate)",
                 skip);
    cmd.AddValue("drain", "seconds after the last request before the run ends", drain);
    cmd.AddValue("load", "fraction of the CPUs that the highest rate fills", load);
    cmd.AddValue("seed", "ns-3 random seed", seed);
    cmd.AddValue("database", "SQLite file that every run is appended to; empty for none", database);
    cmd.AddValue("csv", "CSV file for the tables; empty for none", csv);
    cmd.AddValue("plots", "path prefix of the JCT CDF plot per rate; empty for none", plots);
    cmd.AddValue("progress",
                 "simulated seconds between progress lines on stderr; 0 for none",
                 progress);
    cmd.Parse(argc, argv);

    if (scale != "moderate" && scale != "large")
    {
        NS_FATAL_ERROR("--scale=" << scale << " is invalid; use moderate or large");
    }
    if (runs == 0)
    {
        NS_FATAL_ERROR("--runs=0 is invalid; give at least 1 run per method and rate");
    }
    if (!(duration > 0))
    {
        NS_FATAL_ERROR("--duration=" << duration << " must be a positive number of seconds");
    }
    if (skip < 0 || drain < 0)
    {
        NS_FATAL_ERROR("--skip=" << skip << " and --drain=" << drain << " must not be negative");
    }
    if (seed == 0)
    {
        NS_FATAL_ERROR("--seed=0 is invalid; ns-3 seeds start at 1");
    }
    if (!(load > 0 && load <= 2))
    {
        NS_FATAL_ERROR("--load=" << load << " is outside (0, 2]");
    }
    std::vector<MethodSpec> methods = ParseMethodList(methodList, "--methods");
    std::vector<double> rates;
    {
        std::istringstream items(rateList);
        std::string item;
        while (std::getline(items, item, ','))
        {
            char* end = nullptr;
            double rate = std::strtod(item.c_str(), &end);
            if (item.empty() || *end != '\0' || !(rate > 0))
            {
                NS_FATAL_ERROR("--rates item '" << item << "' is not a positive number");
            }
            rates.push_back(rate);
        }
    }
    if (rates.empty())
    {
        NS_FATAL_ERROR("--rates is empty");
    }
    Ptr<ResultStore> store;
    if (!database.empty())
    {
        store = Create<ResultStore>(database);
    }
    if (!csv.empty())
    {
        // Checked now without truncating the file, which is written only once the tables exist.
        std::ofstream probe(csv, std::ios::app);
        if (!probe)
        {
            NS_FATAL_ERROR("--csv=" << csv
                                    << " cannot be written; check that its folder exists "
                                       "and is writable");
        }
    }
    if (!plots.empty())
    {
        std::string probePath = plots + "-write-check.tmp";
        std::ofstream probe(probePath);
        if (!probe)
        {
            NS_FATAL_ERROR("--plots=" << plots
                                      << " cannot be written; check that its folder "
                                         "exists and is writable");
        }
        probe.close();
        std::remove(probePath.c_str());
    }

    TestbedHelper helper = scale == "large" ? TestbedHelper::Large() : TestbedHelper::Moderate();

    // The traces of every rate and run, and one iteration cost for all of them.
    std::vector<std::string> labels;
    std::vector<std::vector<RequestTrace>> traces; // by rate, then run
    Time iterationCost;
    if (scale == "moderate")
    {
        for (double rate : rates)
        {
            std::ostringstream path;
            path << MARL_LB_DATA_DIR << "/traces/poisson-for-loop-rate-" << rate << ".csv";
            RequestTrace full = RequestTrace::ReadFile(path.str());
            std::vector<RequestTrace> perRun;
            uint64_t requests = 0;
            for (uint32_t r = 0; r < runs; ++r)
            {
                Time begin = Seconds(skip + r * duration);
                Time end = begin + Seconds(duration);
                if (full.GetDuration() < end)
                {
                    NS_FATAL_ERROR("trace " << path.str() << " lasts "
                                            << full.GetDuration().As(Time::S) << ", too short for "
                                            << runs << " runs of " << duration << " s after "
                                            << skip << " s; lower --runs or --duration");
                }
                std::vector<TraceRequest> window;
                for (const auto& request : full.GetRequests())
                {
                    if (request.time >= begin && request.time < end)
                    {
                        window.push_back({request.time - begin, request.url});
                    }
                }
                requests += window.size();
                perRun.emplace_back(window, full.GetName());
            }
            std::ostringstream label;
            label << std::fixed << std::setprecision(1) << requests / (runs * duration) << "/s";
            labels.push_back(label.str());
            traces.push_back(std::move(perRun));
        }
        // Calibrate on the busiest first window.
        const RequestTrace* busiest = &traces.front().front();
        for (const auto& perRun : traces)
        {
            if (perRun.front().GetSize() > busiest->GetSize())
            {
                busiest = &perRun.front();
            }
        }
        iterationCost =
            CalibrateIterationCost(*busiest, Seconds(duration), helper.GetTotalCpus(), load);
    }
    else
    {
        // Exponential work of mean 200 ms; the cost per iteration only names the work in URLs.
        iterationCost = NanoSeconds(50);
        double highest = *std::max_element(rates.begin(), rates.end());
        double scaleFactor = load * helper.GetTotalCpus() / (highest * 0.2);
        for (std::size_t i = 0; i < rates.size(); ++i)
        {
            std::vector<RequestTrace> perRun;
            for (uint32_t r = 0; r < runs; ++r)
            {
                int64_t stream = 100 + 2 * static_cast<int64_t>(i * runs + r);
                perRun.push_back(RequestTrace::GeneratePoisson(rates[i] * scaleFactor,
                                                               Seconds(duration),
                                                               MilliSeconds(200),
                                                               iterationCost,
                                                               stream));
            }
            std::ostringstream label;
            label << std::fixed << std::setprecision(1) << rates[i] << "/s (x"
                  << std::setprecision(2) << scaleFactor << ")";
            labels.push_back(label.str());
            traces.push_back(std::move(perRun));
        }
    }
    helper.SetServerAttribute("IterationCost", TimeValue(iterationCost));
    std::cout << scale << " scale, " << helper.GetTotalCpus() << " CPUs, iteration cost "
              << iterationCost.GetNanoSeconds() << " ns, " << runs << " run(s) of " << duration
              << " s per method and rate\n\n";

    ExperimentRunner runner(helper);
    runner.SetResultStore(store,
                          "marl-lb-compare",
                          {{"scale", scale},
                           {"skip_s", std::to_string(skip)},
                           {"drain_s", std::to_string(drain)},
                           {"load", std::to_string(load)},
                           {"duration_s", std::to_string(duration)},
                           {"iteration_cost_ns", std::to_string(iterationCost.GetNanoSeconds())}});
    runner.SetProgressInterval(Seconds(progress));
    ComparisonTable table;
    for (std::size_t i = 0; i < traces.size(); ++i)
    {
        std::vector<ExperimentResult> lastRun;
        for (const auto& method : methods)
        {
            for (uint32_t r = 1; r <= runs; ++r)
            {
                ExperimentResult result =
                    runner.Run(method, traces[i][r - 1], Seconds(drain), seed, r);
                table.Add(method.label, labels[i], JctSummary(result.records));
                if (r == runs)
                {
                    lastRun.push_back(std::move(result));
                }
            }
        }
        if (!plots.empty())
        {
            std::ostringstream prefix;
            prefix << plots << "-" << labels[i].substr(0, labels[i].find('/'));
            ResultPlots writer(prefix.str());
            writer.PlotJctCdf(lastRun);
            for (const auto& result : lastRun)
            {
                writer.PlotBusyWorkers(result);
            }
            writer.Render();
        }
    }

    table.Print(std::cout);
    if (!csv.empty())
    {
        std::ofstream csvFile(csv);
        table.WriteCsv(csvFile);
        std::cerr << "tables written to " << csv << std::endl;
    }
    if (store)
    {
        std::cerr << "runs appended to " << database << std::endl;
    }
    return 0;
}
