/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "comparison-table.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace ns3
{

std::pair<double, double>
MeanAndStdDev(const std::vector<double>& values)
{
    if (values.empty())
    {
        return {0, 0};
    }
    double sum = 0;
    for (double value : values)
    {
        sum += value;
    }
    double mean = sum / values.size();
    if (values.size() < 2)
    {
        return {mean, 0};
    }
    double squares = 0;
    for (double value : values)
    {
        squares += (value - mean) * (value - mean);
    }
    return {mean, std::sqrt(squares / (values.size() - 1))};
}

void
ComparisonTable::Add(const std::string& method, const std::string& rate, const JctSummary& summary)
{
    if (std::find(m_methods.begin(), m_methods.end(), method) == m_methods.end())
    {
        m_methods.push_back(method);
    }
    if (std::find(m_rates.begin(), m_rates.end(), rate) == m_rates.end())
    {
        m_rates.push_back(rate);
    }
    Cell& cell = m_cells[{method, rate}];
    cell.meanMs.push_back(summary.GetMeanMs());
    cell.p90Ms.push_back(summary.GetPercentileMs(90));
    cell.failed.push_back(static_cast<double>(summary.GetFailed()));
}

void
ComparisonTable::PrintTable(std::ostream& os,
                            const std::string& title,
                            const std::vector<double> Cell::*values) const
{
    os << title << "\n" << std::left << std::setw(10) << "method" << std::right;
    for (const auto& rate : m_rates)
    {
        os << std::setw(22) << rate;
    }
    os << "\n";
    for (const auto& method : m_methods)
    {
        os << std::left << std::setw(10) << method << std::right;
        for (const auto& rate : m_rates)
        {
            auto it = m_cells.find({method, rate});
            if (it == m_cells.end())
            {
                os << std::setw(22) << "-";
                continue;
            }
            auto [mean, deviation] = MeanAndStdDev(it->second.*values);
            std::ostringstream cell;
            cell << std::fixed << std::setprecision(1) << mean << " +- " << deviation;
            os << std::setw(22) << cell.str();
        }
        os << "\n";
    }
}

void
ComparisonTable::Print(std::ostream& os) const
{
    PrintTable(os, "Mean JCT (ms), mean +- std over runs", &Cell::meanMs);
    os << "\n";
    PrintTable(os, "90th-percentile JCT (ms), mean +- std over runs", &Cell::p90Ms);
    os << "\n";
    PrintTable(os,
               "Failed requests per run (not in the JCT statistics), mean +- std over runs",
               &Cell::failed);
}

void
ComparisonTable::WriteCsv(std::ostream& os) const
{
    os << "method,rate,runs,mean_jct_ms,mean_jct_std_ms,p90_jct_ms,p90_jct_std_ms,"
          "failed_per_run\n";
    for (const auto& method : m_methods)
    {
        for (const auto& rate : m_rates)
        {
            auto it = m_cells.find({method, rate});
            if (it == m_cells.end())
            {
                continue;
            }
            auto mean = MeanAndStdDev(it->second.meanMs);
            auto p90 = MeanAndStdDev(it->second.p90Ms);
            auto failed = MeanAndStdDev(it->second.failed);
            os << method << "," << rate << "," << it->second.meanMs.size() << "," << std::fixed
               << std::setprecision(3) << mean.first << "," << mean.second << "," << p90.first
               << "," << p90.second << "," << failed.first << "\n";
        }
    }
}

} // namespace ns3
