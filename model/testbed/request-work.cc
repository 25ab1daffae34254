/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-work.h"

#include <algorithm>

namespace ns3
{

namespace
{
constexpr uint64_t ITERATIONS_PER_LINE = 4000; //!< the page prints a line every 4000 loops
constexpr uint64_t LINE_SUFFIX_BYTES = 2;      //!< a backslash and an n after each number
} // namespace

RequestKind
ClassifyRequestUrl(const std::string& url)
{
    RequestKind kind;
    std::string path = url.substr(0, url.find('?'));
    if (path == "/dummy.php" || path == "/dummy.php/")
    {
        kind.type = RequestKind::FOR_LOOP;
        auto query = url.find('?');
        std::string parameters = query == std::string::npos ? "" : url.substr(query + 1);
        std::size_t position = 0;
        while (position < parameters.size())
        {
            std::size_t end = parameters.find('&', position);
            std::string pair = parameters.substr(position, end - position);
            if (pair.rfind("n=", 0) == 0)
            {
                uint64_t value = 0;
                for (std::size_t i = 2; i < pair.size() && pair[i] >= '0' && pair[i] <= '9'; ++i)
                {
                    value = value * 10 + static_cast<uint64_t>(pair[i] - '0');
                }
                kind.iterations = value;
            }
            if (end == std::string::npos)
            {
                break;
            }
            position = end + 1;
        }
        return kind;
    }
    if (url.find("/wiki/index.php/") != std::string::npos)
    {
        kind.type = RequestKind::WIKI_PAGE;
        return kind;
    }
    kind.type = RequestKind::STATIC;
    return kind;
}

uint64_t
ForLoopResponseBytes(uint64_t iterations)
{
    // Counter values printed are 4000 k for k = 1 .. lines; group them by number of digits.
    // The bounds of a digit group are kept below 2^64: the largest counter, 4000 * lines, is
    // at most the iteration count, so the groups end before 10^20 would be needed.
    const uint64_t lines = iterations / ITERATIONS_PER_LINE;
    const uint64_t largestCounter = lines * ITERATIONS_PER_LINE;
    uint64_t bytes = lines * LINE_SUFFIX_BYTES;
    uint64_t digits = 1;
    uint64_t lowest = 1; // smallest number with `digits` digits
    while (lines > 0 && lowest <= largestCounter)
    {
        // The largest number with `digits` digits, without overflow for 20 digits.
        uint64_t highest = lowest > UINT64_MAX / 10 ? UINT64_MAX : lowest * 10 - 1;
        uint64_t firstLine = std::max<uint64_t>(1, (lowest - 1) / ITERATIONS_PER_LINE + 1);
        uint64_t lastLine = std::min(lines, highest / ITERATIONS_PER_LINE);
        if (lastLine >= firstLine)
        {
            bytes += (lastLine - firstLine + 1) * digits;
        }
        if (lowest > UINT64_MAX / 10)
        {
            break;
        }
        ++digits;
        lowest *= 10;
    }
    return bytes;
}

} // namespace ns3
