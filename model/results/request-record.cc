/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-record.h"

namespace ns3
{

std::string
RequestOutcomeName(RequestOutcome outcome)
{
    switch (outcome)
    {
        case RequestOutcome::COMPLETED:
            return "completed";
        case RequestOutcome::RESET:
            return "reset";
        case RequestOutcome::CONNECT_FAILED:
            return "connect-failed";
        case RequestOutcome::CLOSED_EARLY:
            return "closed-early";
        case RequestOutcome::BAD_RESPONSE:
            return "bad-response";
        case RequestOutcome::UNFINISHED:
            return "unfinished";
    }
    return "unknown";
}

Time
RequestRecord::GetJct() const
{
    return end - start;
}

} // namespace ns3
