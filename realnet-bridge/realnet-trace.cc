/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "realnet-trace.h"

#include "request-work.h"

#include "ns3/fatal-error.h"

#include <cmath>
#include <sstream>

namespace ns3
{

RequestTrace
ScaleTrace(const RequestTrace& trace, double timeScale, double workScale, Time duration)
{
    if (!(timeScale > 0))
    {
        NS_FATAL_ERROR("time scale " << timeScale << " must be positive");
    }
    if (!(workScale > 0 && workScale <= 1))
    {
        NS_FATAL_ERROR("work scale " << workScale << " must lie in (0, 1]");
    }
    std::vector<TraceRequest> scaled;
    for (const TraceRequest& request : trace.GetRequests())
    {
        Time time = Seconds(request.time.GetSeconds() * timeScale);
        if (duration.IsStrictlyPositive() && time >= duration)
        {
            break;
        }
        TraceRequest copy{time, request.url};
        RequestKind kind = ClassifyRequestUrl(request.url);
        std::size_t position = request.url.rfind("n=");
        if (kind.type == RequestKind::FOR_LOOP && position != std::string::npos)
        {
            auto iterations = static_cast<uint64_t>(
                std::llround(static_cast<double>(kind.iterations) * workScale));
            std::size_t end = request.url.find_first_not_of("0123456789", position + 2);
            std::ostringstream url;
            url << request.url.substr(0, position + 2) << iterations
                << (end == std::string::npos ? "" : request.url.substr(end));
            copy.url = url.str();
        }
        scaled.push_back(copy);
    }
    std::ostringstream name;
    name << trace.GetName() << " (times x" << timeScale << ", work x" << workScale << ")";
    return RequestTrace(scaled, name.str());
}

} // namespace ns3
