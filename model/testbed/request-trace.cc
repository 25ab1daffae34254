/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-trace.h"

#include "request-work.h"

#include "ns3/double.h"
#include "ns3/fatal-error.h"
#include "ns3/log.h"
#include "ns3/random-variable-stream.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestTrace");

namespace
{

/**
 * Parses a whole string as a finite decimal number.
 * \param text the string
 * \param value [out] the number
 * \return true if the whole string is a finite number
 */
bool
ParseSeconds(const std::string& text, double& value)
{
    if (text.empty())
    {
        return false;
    }
    char* end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    return errno == 0 && end == text.c_str() + text.size() && std::isfinite(value);
}

/**
 * Builds the message of a format error.
 * \param name the file
 * \param line the line number, from 1
 * \param reason what is wrong
 * \return the message
 */
std::string
FormatError(const std::string& name, std::size_t line, const std::string& reason)
{
    std::ostringstream message;
    message << name << ":" << line << ": " << reason;
    return message.str();
}

/**
 * Removes a trailing carriage return left by a file with Windows line ends.
 * \param line the line
 */
void
StripCarriageReturn(std::string& line)
{
    if (!line.empty() && line.back() == '\r')
    {
        line.pop_back();
    }
}

/**
 * Checks a request target.
 * \param url the target
 * \return an empty string if valid, otherwise the reason
 */
std::string
CheckUrl(const std::string& url)
{
    if (url.empty())
    {
        return "the URL is empty";
    }
    if (url.front() != '/' && url.rfind("http://", 0) != 0)
    {
        return "the URL '" + url + "' does not start with '/' or 'http://'";
    }
    for (char c : url)
    {
        if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20)
        {
            return "the URL '" + url + "' contains white space or a control character";
        }
    }
    return "";
}

} // namespace

RequestTrace::RequestTrace(std::vector<TraceRequest> requests, std::string name)
    : m_requests(std::move(requests)),
      m_name(std::move(name))
{
    for (std::size_t i = 1; i < m_requests.size(); ++i)
    {
        NS_ABORT_MSG_IF(m_requests[i].time < m_requests[i - 1].time,
                        "requests of trace " << m_name << " are not in time order at request "
                                             << i);
    }
}

std::optional<RequestTrace>
RequestTrace::TryParseCsv(std::istream& input, const std::string& name, std::string& error)
{
    std::string line;
    std::size_t number = 0;
    if (!std::getline(input, line))
    {
        error = FormatError(name, 1, "the file is empty; expected the header 'time<TAB>query'");
        return std::nullopt;
    }
    ++number;
    StripCarriageReturn(line);
    if (line != "time\tquery")
    {
        error = FormatError(name,
                            1,
                            "expected the header 'time<TAB>query', found '" + line
                                + "'; is this a CSV trace of the study's format?");
        return std::nullopt;
    }
    std::vector<TraceRequest> requests;
    double previous = 0;
    while (std::getline(input, line))
    {
        ++number;
        StripCarriageReturn(line);
        if (line.empty())
        {
            continue;
        }
        auto tab = line.find('\t');
        if (tab == std::string::npos)
        {
            error = FormatError(name,
                                number,
                                "expected '<seconds><TAB><url>', found no tab in '" + line + "'");
            return std::nullopt;
        }
        if (line.find('\t', tab + 1) != std::string::npos)
        {
            error = FormatError(name, number, "expected 2 tab-separated fields, found more");
            return std::nullopt;
        }
        std::string timeText = line.substr(0, tab);
        std::string url = line.substr(tab + 1);
        double seconds = 0;
        if (!ParseSeconds(timeText, seconds))
        {
            error = FormatError(name, number, "the time '" + timeText + "' is not a number");
            return std::nullopt;
        }
        if (seconds < 0)
        {
            error = FormatError(name, number, "the time " + timeText + " is negative");
            return std::nullopt;
        }
        if (seconds < previous)
        {
            std::ostringstream reason;
            reason << "the time " << timeText << " is earlier than the previous request's "
                   << previous << "; sort the trace by time";
            error = FormatError(name, number, reason.str());
            return std::nullopt;
        }
        std::string urlError = CheckUrl(url);
        if (!urlError.empty())
        {
            error = FormatError(name, number, urlError);
            return std::nullopt;
        }
        previous = seconds;
        requests.push_back({Seconds(seconds), url});
    }
    if (requests.empty())
    {
        error = FormatError(name, number, "the trace has a header but no request");
        return std::nullopt;
    }
    return RequestTrace(std::move(requests), name);
}

std::optional<RequestTrace>
RequestTrace::TryParseWikiBench(std::istream& input, const std::string& name, std::string& error)
{
    std::string line;
    std::size_t number = 0;
    std::vector<TraceRequest> requests;
    double first = 0;
    double previous = 0;
    while (std::getline(input, line))
    {
        ++number;
        StripCarriageReturn(line);
        if (line.empty())
        {
            continue;
        }
        std::istringstream fields(line);
        std::string counter;
        std::string timeText;
        std::string url;
        std::string flag;
        std::string extra;
        fields >> counter >> timeText >> url >> flag;
        if (flag.empty())
        {
            error = FormatError(name,
                                number,
                                "expected 4 fields 'counter timestamp url flag', found fewer in '"
                                    + line + "'");
            return std::nullopt;
        }
        if (fields >> extra)
        {
            error = FormatError(name,
                                number,
                                "expected 4 fields 'counter timestamp url flag', found more in '"
                                    + line + "'");
            return std::nullopt;
        }
        if (counter.find_first_not_of("0123456789") != std::string::npos)
        {
            error =
                FormatError(name, number, "the counter '" + counter + "' is not a whole number");
            return std::nullopt;
        }
        double seconds = 0;
        if (!ParseSeconds(timeText, seconds) || seconds < 0)
        {
            error = FormatError(name,
                                number,
                                "the timestamp '" + timeText
                                    + "' is not a non-negative number of seconds");
            return std::nullopt;
        }
        if (requests.empty())
        {
            first = seconds;
        }
        else if (seconds < previous)
        {
            std::ostringstream reason;
            reason << "the timestamp " << timeText << " is earlier than the previous request's "
                   << std::fixed << previous << "; sort the trace by time";
            error = FormatError(name, number, reason.str());
            return std::nullopt;
        }
        std::string urlError = CheckUrl(url);
        if (!urlError.empty())
        {
            error = FormatError(name, number, urlError);
            return std::nullopt;
        }
        if (flag != "-" && flag != "save")
        {
            error = FormatError(name, number, "the flag '" + flag + "' is neither '-' nor 'save'");
            return std::nullopt;
        }
        previous = seconds;
        requests.push_back({Seconds(seconds - first), url});
    }
    if (requests.empty())
    {
        error = FormatError(name, number == 0 ? 1 : number, "the trace contains no request; add request lines");
        return std::nullopt;
    }
    return RequestTrace(std::move(requests), name);
}

std::optional<RequestTrace>
RequestTrace::TryReadFile(const std::string& path, std::string& error)
{
    std::ifstream input(path);
    if (!input)
    {
        error =
            path + ": cannot open the trace file (" + std::strerror(errno) + "); check the path";
        return std::nullopt;
    }
    std::string firstLine;
    std::getline(input, firstLine);
    StripCarriageReturn(firstLine);
    input.clear();
    input.seekg(0);
    // A first line that starts with "time" is meant as the study's CSV header, so the CSV
    // reader reports a malformed header instead of a confusing WikiBench error.
    if (firstLine.rfind("time", 0) == 0)
    {
        return TryParseCsv(input, path, error);
    }
    return TryParseWikiBench(input, path, error);
}

RequestTrace
RequestTrace::ReadFile(const std::string& path)
{
    std::string error;
    auto trace = TryReadFile(path, error);
    if (!trace)
    {
        NS_FATAL_ERROR("invalid request trace: " << error);
    }
    return *trace;
}

RequestTrace
RequestTrace::GeneratePoisson(double rate,
                              Time duration,
                              Time meanWork,
                              Time iterationCost,
                              int64_t stream)
{
    NS_ABORT_MSG_IF(!(rate > 0), "Poisson trace rate " << rate << " must be positive");
    NS_ABORT_MSG_IF(!iterationCost.IsStrictlyPositive(),
                    "Poisson trace iteration cost " << iterationCost.As(Time::NS)
                                                    << " must be positive");
    NS_ABORT_MSG_IF(meanWork.IsNegative(),
                    "Poisson trace mean work " << meanWork.As(Time::MS) << " is negative");
    auto gaps = CreateObject<ExponentialRandomVariable>();
    gaps->SetAttribute("Mean", DoubleValue(1.0 / rate));
    gaps->SetStream(stream);
    auto work = CreateObject<ExponentialRandomVariable>();
    work->SetAttribute("Mean", DoubleValue(meanWork.GetSeconds()));
    work->SetStream(stream + 1);

    std::vector<TraceRequest> requests;
    double now = gaps->GetValue();
    while (Seconds(now) < duration)
    {
        auto iterations =
            static_cast<uint64_t>(std::llround(work->GetValue() / iterationCost.GetSeconds()));
        requests.push_back({Seconds(now), "/dummy.php/?n=" + std::to_string(iterations)});
        now += gaps->GetValue();
    }
    std::ostringstream name;
    name << "poisson(rate=" << rate << "/s, mean work=" << meanWork.As(Time::MS) << ")";
    return RequestTrace(std::move(requests), name.str());
}

const std::vector<TraceRequest>&
RequestTrace::GetRequests() const
{
    return m_requests;
}

const std::string&
RequestTrace::GetName() const
{
    return m_name;
}

std::size_t
RequestTrace::GetSize() const
{
    return m_requests.size();
}

Time
RequestTrace::GetDuration() const
{
    return m_requests.empty() ? Seconds(0) : m_requests.back().time;
}

double
RequestTrace::GetMeanRate() const
{
    double seconds = GetDuration().GetSeconds();
    return seconds > 0 ? m_requests.size() / seconds : 0.0;
}

double
RequestTrace::GetMeanIterations() const
{
    double sum = 0;
    std::size_t count = 0;
    for (const auto& request : m_requests)
    {
        RequestKind kind = ClassifyRequestUrl(request.url);
        if (kind.type == RequestKind::FOR_LOOP)
        {
            sum += static_cast<double>(kind.iterations);
            ++count;
        }
    }
    return count > 0 ? sum / count : 0.0;
}

RequestTrace
RequestTrace::Truncate(Time end) const
{
    std::vector<TraceRequest> kept;
    for (const auto& request : m_requests)
    {
        if (request.time >= end)
        {
            break;
        }
        kept.push_back(request);
    }
    return RequestTrace(std::move(kept), m_name);
}

} // namespace ns3
