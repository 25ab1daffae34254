/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REQUEST_TRACE_H
#define MARL_LB_REQUEST_TRACE_H

#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

class RandomVariableStream;

/**
 * \ingroup marl-lb
 * \brief One request of a trace: when to send it and what to ask for.
 */
struct TraceRequest
{
    Time time;       //!< send time, relative to the start of the replay
    std::string url; //!< request target, such as "/dummy.php/?n=5478122"
};

/**
 * \ingroup marl-lb
 * \brief A request trace in time order, read from a file or generated.
 *
 * Formats:
 * - the study's CSV (the authors' MARLLB repository): a header line "time<TAB>query", then one
 *   request per line: the send time in seconds from the start, a tab, the URL;
 * - WikiBench: "counter timestamp url flag" per line, separated by spaces, with UNIX
 *   timestamps in seconds; times are made relative to the first request;
 * - a Poisson process of for-loop requests with exponentially distributed work.
 *
 * The Try* readers return std::nullopt and an error message naming the file, the line and
 * what is wrong; the Read* readers stop the program with that message.
 */
class RequestTrace
{
  public:
    RequestTrace() = default;

    /**
     * \brief Creates a trace from requests in time order.
     * \param requests the requests; times must not decrease
     * \param name where the requests came from, for messages
     */
    RequestTrace(std::vector<TraceRequest> requests, std::string name);

    /**
     * \brief Reads the study's CSV format from a stream.
     * \param input the stream
     * \param name the file name, for messages
     * \param error [out] the reason, if reading fails
     * \return the trace, or std::nullopt
     */
    static std::optional<RequestTrace> TryParseCsv(std::istream& input,
                                                   const std::string& name,
                                                   std::string& error);
    /**
     * \brief Reads the WikiBench format from a stream.
     * \param input the stream
     * \param name the file name, for messages
     * \param error [out] the reason, if reading fails
     * \return the trace, or std::nullopt
     */
    static std::optional<RequestTrace> TryParseWikiBench(std::istream& input,
                                                         const std::string& name,
                                                         std::string& error);
    /**
     * \brief Reads a trace file, choosing the format from its first line.
     *
     * A first line that starts with "time" is read as the study's CSV (whose header must be
     * "time<TAB>query"); anything else is read as WikiBench.
     * \param path the file
     * \param error [out] the reason, if reading fails
     * \return the trace, or std::nullopt
     */
    static std::optional<RequestTrace> TryReadFile(const std::string& path, std::string& error);
    /**
     * \brief Reads a trace file like TryReadFile(), and stops the program on error.
     * \param path the file
     * \return the trace
     */
    static RequestTrace ReadFile(const std::string& path);

    /**
     * \brief Generates a Poisson process of PHP for-loop requests.
     * \param rate mean requests per second; must be > 0
     * \param duration length of the trace
     * \param meanWork mean CPU time per request on one core (the study's large scale uses
     *        200 ms); work is exponentially distributed
     * \param iterationCost CPU time of one loop iteration, to turn work into a loop count
     * \param stream random stream index for both the gaps and the work
     * \return the trace
     */
    static RequestTrace GeneratePoisson(double rate,
                                        Time duration,
                                        Time meanWork,
                                        Time iterationCost,
                                        int64_t stream);

    /// \return the requests, in time order
    const std::vector<TraceRequest>& GetRequests() const;
    /// \return where the trace came from
    const std::string& GetName() const;
    /// \return the number of requests
    std::size_t GetSize() const;
    /// \return the time of the last request, or zero for an empty trace
    Time GetDuration() const;
    /// \return requests per second over the trace's duration, or 0 if shorter than a request
    double GetMeanRate() const;
    /// \return the mean loop count over the for-loop requests, or 0 if there are none
    double GetMeanIterations() const;

    /**
     * \brief Keeps only the requests sent before a time.
     * \param end the cut-off; requests at or after it are dropped
     * \return the shortened trace
     */
    RequestTrace Truncate(Time end) const;

  private:
    std::vector<TraceRequest> m_requests; //!< the requests, in time order
    std::string m_name;                   //!< where the trace came from
};

} // namespace ns3

#endif // MARL_LB_REQUEST_TRACE_H
