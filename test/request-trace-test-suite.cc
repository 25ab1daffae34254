/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Unit tests of the request traces: the study's CSV and WikiBench readers with every error
// message, the shipped rate-400 trace, the Poisson generator, URL classification and the body
// size of the PHP for-loop page.
//
// Without --stop-on-failure the runner continues after a failed check, so each check that
// guards a later access (an optional, an index) is followed by a plain test of the same
// condition.

#include "ns3/nstime.h"
#include "ns3/request-trace.h"
#include "ns3/request-work.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#ifndef MARL_LB_DATA_DIR
#    error "MARL_LB_DATA_DIR must name the module's data/ folder; see CMakeLists.txt"
#endif

using namespace ns3;

namespace
{

/**
 * Computes the for-loop page's body size by visiting every printed line.
 * \param iterations the loop count n
 * \return the sum over k = 1 .. n / 4000 of the digits of 4000 k plus 2
 */
uint64_t
BruteForceForLoopBytes(uint64_t iterations)
{
    uint64_t bytes = 0;
    for (uint64_t k = 1; k <= iterations / 4000; ++k)
    {
        bytes += std::to_string(4000 * k).size() + 2;
    }
    return bytes;
}

/**
 * Computes the Pearson correlation coefficient of two samples of equal size.
 * \param x the first sample
 * \param y the second sample
 * \return the coefficient, in [-1, 1]
 */
double
PearsonCorrelation(const std::vector<double>& x, const std::vector<double>& y)
{
    const double count = static_cast<double>(x.size());
    double meanX = std::accumulate(x.begin(), x.end(), 0.0) / count;
    double meanY = std::accumulate(y.begin(), y.end(), 0.0) / count;
    double covariance = 0;
    double varianceX = 0;
    double varianceY = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        covariance += (x[i] - meanX) * (y[i] - meanY);
        varianceX += (x[i] - meanX) * (x[i] - meanX);
        varianceY += (y[i] - meanY) * (y[i] - meanY);
    }
    return covariance / std::sqrt(varianceX * varianceY);
}

/// Which reader a parse case calls.
enum class Format
{
    CSV,       //!< RequestTrace::TryParseCsv
    WIKIBENCH, //!< RequestTrace::TryParseWikiBench
};

/**
 * Parses text with one of the readers.
 * \param format the reader
 * \param text the file contents
 * \param name the file name for messages
 * \param error [out] the reader's message
 * \return the trace, or std::nullopt
 */
std::optional<RequestTrace>
Parse(Format format, const std::string& text, const std::string& name, std::string& error)
{
    std::istringstream input(text);
    return format == Format::CSV ? RequestTrace::TryParseCsv(input, name, error)
                                 : RequestTrace::TryParseWikiBench(input, name, error);
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * Valid CSV and WikiBench text gives the requests' times and URLs.
 */
class TraceParseValidTestCase : public TestCase
{
  public:
    TraceParseValidTestCase()
        : TestCase("Trace readers parse valid CSV and WikiBench")
    {
    }

  private:
    /// One valid text and the requests it holds.
    struct Case
    {
        std::string description;       //!< what the case covers
        Format format;                 //!< reader
        std::string text;              //!< file contents
        std::vector<double> seconds;   //!< expected send times
        std::vector<std::string> urls; //!< expected URLs
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"CSV",
             Format::CSV,
             "time\tquery\n0.5\t/dummy.php/?n=100\n1.25\t/index.html\n1.25\t/a\n",
             {0.5, 1.25, 1.25},
             {"/dummy.php/?n=100", "/index.html", "/a"}},
            {"CSV with CRLF line ends, blank lines and no final newline",
             Format::CSV,
             "time\tquery\r\n0\t/x\r\n\r\n2e-3\thttp://host/y\r\n\n7\t/z",
             {0, 0.002, 7},
             {"/x", "http://host/y", "/z"}},
            {"WikiBench, times relative to the first",
             Format::WIKIBENCH,
             "929 1190146243.364 http://en.wikipedia.org/wiki/Main_Page -\n"
             "930 1190146243.5 /wiki/index.php/Special:Search save\n"
             "\n"
             "931 1190146245 /skins/common/wikibits.js -\n",
             {0, 0.136, 1.636},
             {"http://en.wikipedia.org/wiki/Main_Page",
              "/wiki/index.php/Special:Search",
              "/skins/common/wikibits.js"}},
            {"WikiBench with runs of spaces and CRLF",
             Format::WIKIBENCH,
             "1  10   /a -\r\n2 10 /b\tsave\r\n",
             {0, 0},
             {"/a", "/b"}},
        };

        for (const auto& c : cases)
        {
            std::string error;
            auto trace = Parse(c.format, c.text, "valid.txt", error);
            NS_TEST_ASSERT_MSG_EQ(trace.has_value(),
                                  true,
                                  c.description << ": rejected with '" << error << "'");
            if (!trace)
            {
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(trace->GetSize(), c.urls.size(), c.description << ": count");
            NS_TEST_ASSERT_MSG_EQ(trace->GetName(), "valid.txt", c.description << ": name");
            for (std::size_t i = 0; i < std::min(c.urls.size(), trace->GetSize()); ++i)
            {
                const TraceRequest& request = trace->GetRequests()[i];
                // Times are rounded to ns-3's 1 ns resolution, and WikiBench's subtraction of
                // large UNIX timestamps loses a few more digits.
                NS_TEST_ASSERT_MSG_EQ_TOL(request.time.GetSeconds(),
                                          c.seconds[i],
                                          1e-6,
                                          c.description << ": time of request " << i);
                NS_TEST_ASSERT_MSG_EQ(request.url, c.urls[i], c.description << ": URL " << i);
            }
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Each invalid input gives "name:LINE: reason" for the line at fault.
 */
class TraceParseErrorTestCase : public TestCase
{
  public:
    TraceParseErrorTestCase()
        : TestCase("Trace readers report file, line, reason")
    {
    }

  private:
    /// One invalid text and the message expected.
    struct Case
    {
        std::string description; //!< what is wrong
        Format format;           //!< reader
        std::string text;        //!< file contents
        uint32_t line;           //!< line number the message must name
        std::string reason;      //!< text the message must contain
    };

    void DoRun() override
    {
        const std::string header = "time\tquery\n";
        const std::vector<Case> cases = {
            {"CSV empty input", Format::CSV, "", 1, "the file is empty"},
            {"CSV wrong header", Format::CSV, "t\tq\n0.5\t/a\n", 1, "expected the header"},
            {"CSV header with spaces",
             Format::CSV,
             "time query\n0.5\t/a\n",
             1,
             "found 'time query'"},
            {"CSV header only", Format::CSV, header, 1, "has a header but no request"},
            {"CSV missing tab", Format::CSV, header + "0.5 /a\n", 2, "found no tab in '0.5 /a'"},
            {"CSV extra field",
             Format::CSV,
             header + "0.5\t/a\n0.6\t/b\textra\n",
             3,
             "expected 2 tab-separated fields, found more"},
            {"CSV non-numeric time",
             Format::CSV,
             header + "abc\t/a\n",
             2,
             "the time 'abc' is not a number"},
            {"CSV time with a unit",
             Format::CSV,
             header + "1.5s\t/a\n",
             2,
             "'1.5s' is not a number"},
            {"CSV empty time", Format::CSV, header + "\t/a\n", 2, "the time '' is not a number"},
            {"CSV infinite time", Format::CSV, header + "inf\t/a\n", 2, "'inf' is not a number"},
            {"CSV negative time", Format::CSV, header + "-0.25\t/a\n", 2, "-0.25 is negative"},
            {"CSV time going backwards",
             Format::CSV,
             header + "1\t/a\n2\t/b\n1.5\t/c\n",
             4,
             "the time 1.5 is earlier than the previous request's 2"},
            {"CSV time going backwards by 1 microsecond",
             Format::CSV,
             header + "2\t/a\n1.999999\t/b\n",
             3,
             "the time 1.999999 is earlier than the previous request's 2"},
            {"CSV line count includes blank lines",
             Format::CSV,
             header + "1\t/a\n\n\n0.5\t/b\n",
             5,
             "earlier than the previous request's 1"},
            {"CSV empty URL", Format::CSV, header + "1\t\n", 2, "the URL is empty"},
            {"CSV URL without leading slash",
             Format::CSV,
             header + "1\tdummy.php/?n=5\n",
             2,
             "the URL 'dummy.php/?n=5' does not start with '/'"},
            {"CSV URL with a space",
             Format::CSV,
             header + "1\t/a b\n",
             2,
             "contains white space or a control character"},
            {"WikiBench empty input", Format::WIKIBENCH, "", 1, "the trace contains no request"},
            {"WikiBench too few fields",
             Format::WIKIBENCH,
             "1 10 /a -\n2 11 /b\n",
             2,
             "expected 4 fields 'counter timestamp url flag', found fewer in '2 11 /b'"},
            {"WikiBench too many fields",
             Format::WIKIBENCH,
             "1 10 /a - extra\n",
             1,
             "found more in '1 10 /a - extra'"},
            {"WikiBench bad counter",
             Format::WIKIBENCH,
             "1 10 /a -\nx2 11 /b -\n",
             2,
             "the counter 'x2' is not a whole number"},
            {"WikiBench negative counter",
             Format::WIKIBENCH,
             "-2 11 /b -\n",
             1,
             "the counter '-2' is not a whole number"},
            {"WikiBench bad timestamp",
             Format::WIKIBENCH,
             "1 noon /a -\n",
             1,
             "the timestamp 'noon' is not a non-negative number of seconds"},
            {"WikiBench negative timestamp",
             Format::WIKIBENCH,
             "1 -10 /a -\n",
             1,
             "the timestamp '-10' is not a non-negative number"},
            {"WikiBench bad flag",
             Format::WIKIBENCH,
             "1 10 /a -\n2 11 /b keep\n",
             2,
             "the flag 'keep' is neither '-' nor 'save'"},
            {"WikiBench timestamp going backwards",
             Format::WIKIBENCH,
             "1 1190146243.5 /a -\n2 1190146244 /b -\n\n3 1190146243.75 /c -\n",
             4,
             "the timestamp 1190146243.75 is earlier than the previous request's 1190146244"},
            {"WikiBench timestamp going backwards by 1 millisecond",
             Format::WIKIBENCH,
             "1 1190146244 /a -\n2 1190146243.999 /b -\n",
             2,
             "the timestamp 1190146243.999 is earlier than"},
            {"WikiBench URL without leading slash",
             Format::WIKIBENCH,
             "1 10 wiki/Main_Page -\n",
             1,
             "does not start with '/'"},
        };

        for (const auto& c : cases)
        {
            const std::string name = "traces/case.txt";
            std::string error;
            auto trace = Parse(c.format, c.text, name, error);
            NS_TEST_ASSERT_MSG_EQ(trace.has_value(), false, c.description << ": accepted");

            const std::string prefix = name + ":" + std::to_string(c.line) + ": ";
            NS_TEST_ASSERT_MSG_EQ(error.substr(0, prefix.size()),
                                  prefix,
                                  c.description << ": message '" << error
                                                << "' must start with file and line");
            NS_TEST_ASSERT_MSG_NE(error.find(c.reason),
                                  std::string::npos,
                                  c.description << ": message '" << error << "' must contain '"
                                                << c.reason << "'");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * TryReadFile names the path of a missing file, and picks the reader from the first line.
 */
class TraceReadFileTestCase : public TestCase
{
  public:
    TraceReadFileTestCase()
        : TestCase("Trace file reading and format detection")
    {
    }

  private:
    void DoRun() override
    {
        const std::string missing = CreateTempDirFilename("no-such-dir/missing-trace.csv");
        std::string error;
        auto trace = RequestTrace::TryReadFile(missing, error);
        NS_TEST_ASSERT_MSG_EQ(trace.has_value(), false, "a missing file must be rejected");
        NS_TEST_ASSERT_MSG_EQ(error.substr(0, missing.size() + 2),
                              missing + ": ",
                              "message '" << error << "' must start with the path");
        NS_TEST_ASSERT_MSG_NE(error.find("cannot open the trace file"),
                              std::string::npos,
                              "message '" << error << "' must say the file cannot be opened");

        // The same file name serves both formats, so only the contents choose the reader.
        const std::string path = CreateTempDirFilename("trace.txt");
        const std::vector<std::pair<std::string, std::vector<std::string>>> files = {
            {"time\tquery\n0.5\t/csv\n", {"/csv"}},
            {"7 1190146243 /wiki-a -\n8 1190146244 /wiki-b save\n", {"/wiki-a", "/wiki-b"}},
        };
        for (const auto& [contents, urls] : files)
        {
            {
                std::ofstream output(path);
                output << contents;
            }
            std::string readError;
            auto read = RequestTrace::TryReadFile(path, readError);
            NS_TEST_ASSERT_MSG_EQ(read.has_value(),
                                  true,
                                  "file starting '" << contents.substr(0, 8) << "' rejected with '"
                                                    << readError << "'");
            if (!read)
            {
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(read->GetSize(), urls.size(), "requests read from " << path);
            if (read->GetSize() != urls.size())
            {
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(read->GetRequests().back().url, urls.back(), "last URL");
        }

        // An error inside a file names the file's path and the line.
        {
            std::ofstream output(path);
            output << "time\tquery\n0.5\t/a\n0.25\t/b\n";
        }
        std::string lineError;
        auto bad = RequestTrace::TryReadFile(path, lineError);
        NS_TEST_ASSERT_MSG_EQ(bad.has_value(), false, "an unsorted file must be rejected");
        NS_TEST_ASSERT_MSG_EQ(lineError.substr(0, path.size() + 4),
                              path + ":3: ",
                              "message '" << lineError << "' must name the path and line 3");
    }
};

/**
 * \ingroup marl-lb-tests
 * The shipped rate-400 trace reads in full, with the file's first request.
 */
class ShippedTraceTestCase : public TestCase
{
  public:
    ShippedTraceTestCase()
        : TestCase("Shipped rate-400 trace reads in full")
    {
    }

  private:
    void DoRun() override
    {
        const std::string path =
            std::string(MARL_LB_DATA_DIR) + "/traces/poisson-for-loop-rate-400.csv";
        std::string error;
        auto trace = RequestTrace::TryReadFile(path, error);

        NS_TEST_ASSERT_MSG_EQ(trace.has_value(), true, path << " rejected: " << error);
        if (!trace)
        {
            return;
        }
        NS_TEST_ASSERT_MSG_EQ(trace->GetSize(), 78033, "requests in " << path);
        if (trace->GetSize() == 0)
        {
            return;
        }
        const TraceRequest& first = trace->GetRequests().front();
        NS_TEST_ASSERT_MSG_EQ(first.url, "/dummy.php/?n=5478122", "first URL");
        NS_TEST_ASSERT_MSG_EQ_TOL(first.time.GetSeconds(),
                                  0.11228061329702671,
                                  1e-9,
                                  "first time, to ns-3's 1 ns resolution");
        const TraceRequest& last = trace->GetRequests().back();
        NS_TEST_ASSERT_MSG_EQ(last.url, "/dummy.php/?n=1207290", "last URL");
        NS_TEST_ASSERT_MSG_EQ_TOL(last.time.GetSeconds(), 200.01351630906723, 1e-9, "last time");
        NS_TEST_ASSERT_MSG_EQ_TOL(trace->GetDuration().GetSeconds(),
                                  200.01351630906723,
                                  1e-9,
                                  "GetDuration() is the last request's time");
        for (const TraceRequest& request : trace->GetRequests())
        {
            RequestKind kind = ClassifyRequestUrl(request.url);
            NS_TEST_ASSERT_MSG_EQ(kind.type,
                                  RequestKind::FOR_LOOP,
                                  request.url << " at " << request.time.As(Time::S)
                                              << " must be a for-loop request");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * GeneratePoisson gives the requested rate and mean work, and a fixed stream repeats.
 */
class PoissonTraceTestCase : public TestCase
{
  public:
    PoissonTraceTestCase()
        : TestCase("Poisson trace has the requested rate and work")
    {
    }

  private:
    void DoRun() override
    {
        const double rate = 400;
        const Time duration = Seconds(200);
        const Time meanWork = MilliSeconds(200);
        const Time iterationCost = NanoSeconds(50);
        RequestTrace trace =
            RequestTrace::GeneratePoisson(rate, duration, meanWork, iterationCost, 17);

        // 80,000 requests: the relative standard deviation of the count and of the mean
        // exponential work is 1 / sqrt(80,000), about 0.35 %.
        NS_TEST_ASSERT_MSG_EQ_TOL(trace.GetMeanRate(), rate, 0.03 * rate, "mean rate");
        NS_TEST_ASSERT_MSG_LT(trace.GetDuration(), duration, "requests must start before the end");
        NS_TEST_ASSERT_MSG_GT(trace.GetDuration(),
                              duration - Seconds(1),
                              "requests must run until close to the end");
        double meanWorkSeconds = trace.GetMeanIterations() * iterationCost.GetSeconds();
        NS_TEST_ASSERT_MSG_EQ_TOL(meanWorkSeconds,
                                  meanWork.GetSeconds(),
                                  0.05 * meanWork.GetSeconds(),
                                  "mean work from the URLs' loop counts");
        for (const TraceRequest& request : trace.GetRequests())
        {
            NS_TEST_ASSERT_MSG_EQ(ClassifyRequestUrl(request.url).type,
                                  RequestKind::FOR_LOOP,
                                  request.url << " must be a for-loop request");
        }

        // Work must not depend on arrival: the gap before each request and its loop count
        // are uncorrelated. Their Pearson correlation over 80,000 independent pairs has a
        // standard deviation of about 0.0035.
        std::vector<double> gaps;
        std::vector<double> works;
        Time previous = Seconds(0);
        for (const TraceRequest& request : trace.GetRequests())
        {
            gaps.push_back((request.time - previous).GetSeconds());
            works.push_back(static_cast<double>(ClassifyRequestUrl(request.url).iterations));
            previous = request.time;
        }
        NS_TEST_ASSERT_MSG_LT(std::abs(PearsonCorrelation(gaps, works)),
                              0.02,
                              "gaps and work must come from independent random streams");

        RequestTrace again =
            RequestTrace::GeneratePoisson(rate, duration, meanWork, iterationCost, 17);
        NS_TEST_ASSERT_MSG_EQ(again.GetSize(), trace.GetSize(), "same stream, same count");
        for (std::size_t i = 0; i < std::min(again.GetSize(), trace.GetSize()); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(again.GetRequests()[i].time,
                                  trace.GetRequests()[i].time,
                                  "same stream, time of request " << i);
            NS_TEST_ASSERT_MSG_EQ(again.GetRequests()[i].url,
                                  trace.GetRequests()[i].url,
                                  "same stream, URL of request " << i);
        }

        RequestTrace other =
            RequestTrace::GeneratePoisson(rate, duration, meanWork, iterationCost, 19);
        std::size_t same = 0;
        for (std::size_t i = 0; i < std::min(other.GetSize(), trace.GetSize()); ++i)
        {
            same += other.GetRequests()[i].url == trace.GetRequests()[i].url;
        }
        NS_TEST_ASSERT_MSG_LT(same, 100, "another stream must give other requests");
    }
};

/**
 * \ingroup marl-lb-tests
 * ClassifyRequestUrl separates for-loop, wiki and static pages and reads n.
 */
class ClassifyUrlTestCase : public TestCase
{
  public:
    ClassifyUrlTestCase()
        : TestCase("Request URLs classified with loop count")
    {
    }

  private:
    /// One URL and its expected class.
    struct Case
    {
        std::string url;        //!< request target
        RequestKind::Type type; //!< expected class
        uint64_t iterations;    //!< expected loop count
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"/dummy.php/?n=5478122", RequestKind::FOR_LOOP, 5478122},
            {"/dummy.php?n=42", RequestKind::FOR_LOOP, 42},
            {"/dummy.php/?x=1&n=7", RequestKind::FOR_LOOP, 7},
            {"/dummy.php/?n=7&x=1", RequestKind::FOR_LOOP, 7},
            {"/dummy.php/?n=3&n=9", RequestKind::FOR_LOOP, 9},
            {"/dummy.php/?n=3&min=9", RequestKind::FOR_LOOP, 3},
            {"/dummy.php/?n=12abc", RequestKind::FOR_LOOP, 12},
            {"/dummy.php/?n=abc", RequestKind::FOR_LOOP, 0},
            {"/dummy.php/?n=", RequestKind::FOR_LOOP, 0},
            {"/dummy.php/?nn=7", RequestKind::FOR_LOOP, 0},
            {"/dummy.php/", RequestKind::FOR_LOOP, 0},
            {"/dummy.php", RequestKind::FOR_LOOP, 0},
            {"/dummy.phpx?n=5", RequestKind::STATIC, 0},
            {"/dir/dummy.php?n=5", RequestKind::STATIC, 0},
            {"/wiki/index.php/Main_Page", RequestKind::WIKI_PAGE, 0},
            {"http://en.wikipedia.org/wiki/index.php/Main_Page", RequestKind::WIKI_PAGE, 0},
            {"/wiki/Main_Page", RequestKind::STATIC, 0},
            {"/skins/common/images/poweredby_mediawiki_88x31.png", RequestKind::STATIC, 0},
            {"/", RequestKind::STATIC, 0},
        };
        for (const auto& c : cases)
        {
            RequestKind kind = ClassifyRequestUrl(c.url);
            NS_TEST_ASSERT_MSG_EQ(kind.type, c.type, c.url << ": class");
            NS_TEST_ASSERT_MSG_EQ(kind.iterations, c.iterations, c.url << ": loop count");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * ForLoopResponseBytes matches hand-computed sizes and a line-by-line count.
 */
class ForLoopBytesTestCase : public TestCase
{
  public:
    ForLoopBytesTestCase()
        : TestCase("For-loop page body size")
    {
    }

  private:
    void DoRun() override
    {
        // Each line is 4000 k followed by backslash and n: "4000\n" is 6 bytes, and from
        // k = 3 (12000) to k = 24 (96000) the number has 5 digits, so a line is 7 bytes.
        const std::vector<std::pair<uint64_t, uint64_t>> byHand = {
            {0, 0},
            {3999, 0},            // no line yet
            {4000, 6},            // "4000\n"
            {7999, 6},            // still one line
            {8000, 12},           // 4000, 8000
            {11999, 12},          // 12000 not reached
            {12000, 19},          // 12 + 7 for "12000\n"
            {39999, 61},          // k = 1..9: 2 * 6 + 7 * 7
            {40000, 68},          // k = 10 adds "40000\n"
            {96000, 12 + 22 * 7}, // k = 1..24: last 5-digit line
            {100000, 166 + 8},    // k = 25: "100000\n"
        };
        for (const auto& [iterations, bytes] : byHand)
        {
            NS_TEST_ASSERT_MSG_EQ(ForLoopResponseBytes(iterations),
                                  bytes,
                                  "n = " << iterations << ", computed by hand");
        }

        // The shipped traces' loop counts reach 38,403,529. The larger counts below print
        // counters of 10 and 11 digits.
        for (uint64_t iterations : {5478122ULL,
                                    24999999ULL,
                                    25000000ULL,
                                    38403529ULL,
                                    123456789ULL,
                                    2500000000ULL,
                                    2500004000ULL,
                                    10000000000ULL})
        {
            NS_TEST_ASSERT_MSG_EQ(ForLoopResponseBytes(iterations),
                                  BruteForceForLoopBytes(iterations),
                                  "n = " << iterations << ", against a line-by-line count");
        }

        // Counters of 20 digits: the digit groups must not overflow 64 bits. Expected values
        // come from the same sum in arbitrary-precision arithmetic.
        NS_TEST_ASSERT_MSG_EQ(ForLoopResponseBytes(10000000000000000000ULL),
                              52222222222222238ULL,
                              "n = 10^19");
        NS_TEST_ASSERT_MSG_EQ(ForLoopResponseBytes(UINT64_MAX),
                              98679314627624752ULL,
                              "n = 2^64 - 1");
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of RequestTrace and the request-work functions.
 */
class RequestTraceTestSuite : public TestSuite
{
  public:
    RequestTraceTestSuite()
        : TestSuite("marl-lb-request-trace", UNIT)
    {
        AddTestCase(new TraceParseValidTestCase, TestCase::QUICK);
        AddTestCase(new TraceParseErrorTestCase, TestCase::QUICK);
        AddTestCase(new TraceReadFileTestCase, TestCase::QUICK);
        AddTestCase(new ShippedTraceTestCase, TestCase::QUICK);
        AddTestCase(new PoissonTraceTestCase, TestCase::QUICK);
        AddTestCase(new ClassifyUrlTestCase, TestCase::QUICK);
        AddTestCase(new ForLoopBytesTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static RequestTraceTestSuite g_requestTraceTestSuite;
