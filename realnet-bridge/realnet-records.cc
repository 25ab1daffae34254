/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "realnet-records.h"

#include "lb-data-plane.h"

#include "ns3/fatal-error.h"

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace ns3
{

namespace
{

/// Header line of the flow log.
const char* const FLOW_LOG_HEADER =
    "client_address,client_port,server,by_syn,selected_s,ended_s,end";
/// Header line of the request records; the URL comes last, as it may hold commas.
const char* const REQUESTS_HEADER = "request_index,client,client_address,client_port,"
                                    "scheduled_s,start_s,end_s,bytes,http_status,outcome,url";

/**
 * Splits a line at commas, keeping at most a number of fields (the last takes the rest).
 * \param line the line
 * \param fields the number of fields
 * \return the fields
 */
std::vector<std::string>
SplitLine(const std::string& line, std::size_t fields)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (parts.size() + 1 < fields)
    {
        std::size_t comma = line.find(',', start);
        if (comma == std::string::npos)
        {
            break;
        }
        parts.push_back(line.substr(start, comma - start));
        start = comma + 1;
    }
    parts.push_back(line.substr(start));
    return parts;
}

/**
 * Opens a file and checks its header line.
 * \param path the file
 * \param header the expected header
 * \param input [out] the stream, positioned after the header
 */
void
OpenWithHeader(const std::string& path, const std::string& header, std::ifstream& input)
{
    input.open(path);
    if (!input)
    {
        NS_FATAL_ERROR("cannot read " << path << "; check the path");
    }
    std::string line;
    if (!std::getline(input, line) || line != header)
    {
        NS_FATAL_ERROR(path << " line 1: expected the header '" << header << "'");
    }
}

} // namespace

std::string
FlowEndName(int cause)
{
    switch (cause)
    {
        case LbDataPlane::FLOW_END_RST:
            return "rst";
        case LbDataPlane::FLOW_END_FIN:
            return "fin";
        case LbDataPlane::FLOW_END_TIMEOUT:
            return "timeout";
        default:
            return "open";
    }
}

void
WriteFlowLog(std::ostream& os, const std::vector<FlowLogEntry>& flows)
{
    os << FLOW_LOG_HEADER << "\n" << std::fixed << std::setprecision(6);
    for (const FlowLogEntry& flow : flows)
    {
        os << flow.clientAddress << "," << flow.clientPort << "," << flow.server << ","
           << (flow.bySyn ? 1 : 0) << "," << flow.selected.GetSeconds() << ",";
        if (flow.endCause != FlowLogEntry::STILL_OPEN)
        {
            os << flow.ended.GetSeconds();
        }
        os << "," << FlowEndName(flow.endCause) << "\n";
    }
}

std::vector<FlowLogEntry>
ReadFlowLog(const std::string& path)
{
    std::ifstream input;
    OpenWithHeader(path, FLOW_LOG_HEADER, input);
    const std::map<std::string, int> causes = {{"rst", LbDataPlane::FLOW_END_RST},
                                               {"fin", LbDataPlane::FLOW_END_FIN},
                                               {"timeout", LbDataPlane::FLOW_END_TIMEOUT},
                                               {"open", FlowLogEntry::STILL_OPEN}};
    std::vector<FlowLogEntry> flows;
    std::string line;
    for (uint64_t number = 2; std::getline(input, line); ++number)
    {
        std::vector<std::string> fields = SplitLine(line, 7);
        auto cause = fields.size() == 7 ? causes.find(fields[6]) : causes.end();
        if (cause == causes.end())
        {
            NS_FATAL_ERROR(path << " line " << number
                                << ": expected 7 fields ending in rst, fin, timeout or open");
        }
        try
        {
            FlowLogEntry flow;
            flow.clientAddress = Ipv4Address(fields[0].c_str());
            flow.clientPort = static_cast<uint16_t>(std::stoul(fields[1]));
            flow.server = static_cast<uint32_t>(std::stoul(fields[2]));
            flow.bySyn = fields[3] == "1";
            flow.selected = Seconds(std::stod(fields[4]));
            flow.endCause = cause->second;
            if (flow.endCause != FlowLogEntry::STILL_OPEN)
            {
                flow.ended = Seconds(std::stod(fields[5]));
            }
            flows.push_back(flow);
        }
        catch (const std::exception&)
        {
            NS_FATAL_ERROR(path << " line " << number << ": a number field does not parse");
        }
    }
    return flows;
}

void
WriteRequestRecords(std::ostream& os, const std::vector<RequestRecord>& records)
{
    os << REQUESTS_HEADER << "\n" << std::fixed << std::setprecision(6);
    for (const RequestRecord& record : records)
    {
        os << record.index << "," << record.client << "," << record.clientAddress << ","
           << record.clientPort << "," << record.scheduled.GetSeconds() << ","
           << record.start.GetSeconds() << "," << record.end.GetSeconds() << "," << record.bytes
           << "," << record.httpStatus << "," << RequestOutcomeName(record.outcome) << ","
           << record.url << "\n";
    }
}

std::vector<RequestRecord>
ReadRequestRecords(const std::string& path)
{
    std::ifstream input;
    OpenWithHeader(path, REQUESTS_HEADER, input);
    std::map<std::string, RequestOutcome> outcomes;
    for (RequestOutcome outcome : {RequestOutcome::COMPLETED,
                                   RequestOutcome::RESET,
                                   RequestOutcome::CONNECT_FAILED,
                                   RequestOutcome::CLOSED_EARLY,
                                   RequestOutcome::BAD_RESPONSE,
                                   RequestOutcome::UNFINISHED})
    {
        outcomes[RequestOutcomeName(outcome)] = outcome;
    }
    std::vector<RequestRecord> records;
    std::string line;
    for (uint64_t number = 2; std::getline(input, line); ++number)
    {
        std::vector<std::string> fields = SplitLine(line, 11);
        auto outcome = fields.size() == 11 ? outcomes.find(fields[9]) : outcomes.end();
        if (outcome == outcomes.end())
        {
            NS_FATAL_ERROR(path << " line " << number
                                << ": expected 11 fields with a known outcome in field 10");
        }
        try
        {
            RequestRecord record;
            record.index = std::stoull(fields[0]);
            record.client = static_cast<uint32_t>(std::stoul(fields[1]));
            record.clientAddress = Ipv4Address(fields[2].c_str());
            record.clientPort = static_cast<uint16_t>(std::stoul(fields[3]));
            record.scheduled = Seconds(std::stod(fields[4]));
            record.start = Seconds(std::stod(fields[5]));
            record.end = Seconds(std::stod(fields[6]));
            record.bytes = std::stoull(fields[7]);
            record.httpStatus = static_cast<uint32_t>(std::stoul(fields[8]));
            record.outcome = outcome->second;
            record.url = fields[10];
            records.push_back(record);
        }
        catch (const std::exception&)
        {
            NS_FATAL_ERROR(path << " line " << number << ": a number field does not parse");
        }
    }
    return records;
}

uint64_t
AttachFlowLog(std::vector<RequestRecord>& records,
              const std::vector<FlowLogEntry>& flows,
              uint32_t loadBalancer)
{
    // The policy's choice at the SYN is the decision. A consistent-hash fallback entry for a
    // late packet of the same flow counts only when no SYN was seen.
    std::map<std::pair<uint32_t, uint16_t>, uint32_t> serverOf;
    for (bool bySyn : {false, true})
    {
        for (const FlowLogEntry& flow : flows)
        {
            if (flow.bySyn == bySyn)
            {
                serverOf[{flow.clientAddress.Get(), flow.clientPort}] = flow.server;
            }
        }
    }
    uint64_t found = 0;
    for (RequestRecord& record : records)
    {
        auto it = serverOf.find({record.clientAddress.Get(), record.clientPort});
        if (it != serverOf.end())
        {
            record.loadBalancer = loadBalancer;
            record.server = it->second;
            found++;
        }
    }
    return found;
}

} // namespace ns3
