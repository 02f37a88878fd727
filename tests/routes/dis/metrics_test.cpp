// Route tests for DIS monitoring (ShowStreamMetrics, ShowPartitionMetrics): the data points count what the
// emulator really accepted and served, per minute; labels, periods and their errors.
#include <gtest/gtest.h>

#include <string>

#include "routes/control/fixture.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;  // the manual clock's start, a whole minute + 20 s
constexpr std::int64_t minute_ms = 60'000;

class dis_metrics : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":2})")
                      .status,
                  201U);
    }

    // "abc" (3 bytes) to each named partition.
    void put(const std::string& partitions_csv) {
        std::string records;
        for (std::size_t start = 0;;) {
            const auto comma = partitions_csv.find(',', start);
            const auto id =
                partitions_csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            records +=
                std::string(records.empty() ? "" : ",") + R"({"data":"YWJj","partition_id":")" + id + R"("})";
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        ASSERT_EQ(
            server
                .request("POST", path("/records"), R"({"stream_name":"orders","records":[)" + records + "]}")
                .status,
            200U);
    }

    // Reads up to `limit` records of partition 0 from the start.
    void get(int limit) {
        const std::string cursor =
            server.request("GET", path("/cursors?cursor-type=TRIM_HORIZON&partition-id=0&stream-name=orders"))
                .json()["partition_cursor"]
                .GetString();
        ASSERT_EQ(server
                      .request("GET", path("/records?limit=" + std::to_string(limit) +
                                           "&partition-cursor=" + cursor))
                      .status,
                  200U);
    }

    // timestamp:value of the answer's `metrics`, and its label.
    static std::string points(const rapidjson::Value& metrics) {
        std::string out = std::string(metrics["label"].GetString()) + "=";
        for (const auto& p : metrics["dataPoints"].GetArray()) {
            EXPECT_TRUE(has_members(p, {"timestamp", "value"}));
            out += "(" + std::to_string((p["timestamp"].GetInt64() - minute_start) / minute_ms) + ":" +
                   std::to_string(p["value"].GetInt64()) + ")";
        }
        return out;
    }

    std::string stream_metric(const std::string& label, std::int64_t from = start_ms / 1000 - 60,
                              std::int64_t to = start_ms / 1000 + 3600) {
        const auto reply = server.request(
            "GET", path("/streams/orders/metrics?label=" + label + "&start_time=" + std::to_string(from) +
                        "&end_time=" + std::to_string(to)));
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        EXPECT_TRUE(has_members(body, {"metrics"}));
        return points(body["metrics"]);
    }

    static constexpr std::int64_t minute_start = start_ms - start_ms % minute_ms;
    test_server server;
};

TEST_F(dis_metrics, records_and_bytes_put_and_served_per_minute) {
    put("0,0,1");
    get(1000);
    server.clock().now_ms += minute_ms;
    put("1");
    get(1);

    EXPECT_EQ(stream_metric("total_put_records_per_stream"), "total_put_records_per_stream=(0:3)(1:1)");
    EXPECT_EQ(stream_metric("total_put_bytes_per_stream"), "total_put_bytes_per_stream=(0:9)(1:3)");
    EXPECT_EQ(stream_metric("total_get_records_per_stream"), "total_get_records_per_stream=(0:2)(1:1)");
    EXPECT_EQ(stream_metric("total_get_bytes_per_stream"), "total_get_bytes_per_stream=(0:6)(1:3)");
    EXPECT_EQ(stream_metric("total_put_req_suc_per_stream"), "total_put_req_suc_per_stream=(0:1)(1:1)");
    EXPECT_EQ(stream_metric("total_get_req_suc_per_stream"), "total_get_req_suc_per_stream=(0:1)(1:1)");
    EXPECT_EQ(stream_metric("traffic_control_put"), "traffic_control_put=(0:0)(1:0)");
    // The period picks the minutes that start in it.
    EXPECT_EQ(
        stream_metric("total_put_records_per_stream", minute_start / 1000 + 60, minute_start / 1000 + 60),
        "total_put_records_per_stream=(1:1)");

    auto reply = server.request(
        "GET", path("/streams/orders/partitions/shardId-0000000001/metrics?"
                    "label=total_put_records_per_partition&start_time=1699999000&end_time=1700003600"));
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(points(reply.json()["metrics"]), "total_put_records_per_partition=(0:1)(1:1)");
    reply = server.request(
        "GET", path("/streams/orders/partitions/0/metrics?"
                    "label=total_get_records_per_partition&start_time=1699999000&end_time=1700003600"));
    EXPECT_EQ(points(reply.json()["metrics"]), "total_get_records_per_partition=(0:2)(1:1)");
}

TEST_F(dis_metrics, label_list_answers_one_metrics_per_label) {
    put("0");
    const auto reply =
        server.request("GET", path("/streams/orders/metrics?label=total_get_bytes_per_stream&"
                                   "label_list=total_put_records_per_stream,total_put_bytes_per_stream&"
                                   "start_time=1699999000&end_time=1700003600"));
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"metrics", "metrics_list"}));
    EXPECT_EQ(points(body["metrics"]), "total_put_records_per_stream=(0:1)");
    ASSERT_EQ(body["metrics_list"].Size(), 2U);
    EXPECT_EQ(points(body["metrics_list"][0]), "total_put_records_per_stream=(0:1)");
    EXPECT_EQ(points(body["metrics_list"][1]), "total_put_bytes_per_stream=(0:3)");
}

TEST_F(dis_metrics, no_traffic_no_points_and_fixture_records_are_not_traffic) {
    EXPECT_EQ(stream_metric("total_put_records_per_stream"), "total_put_records_per_stream=");
    test_server loaded;
    routes::control::load_fixture_text(
        R"({"projects":[{"project_id":")" + std::string(project_id) +
            R"(","dis":{"streams":[{"stream_name":"orders","partition_count":1,"records":[{"data":"YQ=="}]}]}}]})",
        "metrics", loaded.state());
    const auto reply =
        loaded.request("GET", path("/streams/orders/metrics?label=total_put_records_per_stream&"
                                   "start_time=1699999000&end_time=1700003600"));
    ASSERT_TRUE(is_json_answer(reply)) << reply.body;
    EXPECT_EQ(points(reply.json()["metrics"]), "total_put_records_per_stream=");
    EXPECT_EQ(loaded.request("GET", path("/streams/orders"))
                  .json()["partitions"][0]["sequence_number_range"]
                  .GetString(),
              std::string("[0 : 1]"));
}

TEST_F(dis_metrics, bad_queries_are_refused_in_dis_words) {
    const auto query = [&](const std::string& q) {
        return server.request("GET", path("/streams/orders/metrics?" + q));
    };
    EXPECT_TRUE(is_dis_error(query("start_time=1&end_time=2"), "DIS.4200",
                             "Invalid request. [label: either label or label_list is required]"));
    EXPECT_TRUE(is_dis_error(query("label=total_put_bytes_per_partition&start_time=1&end_time=2"), "DIS.4209",
                             "Invalid metrics label. [total_put_bytes_per_partition]"));
    EXPECT_TRUE(is_dis_error(query("label_list=total_put_bytes_per_stream,nope&start_time=1&end_time=2"),
                             "DIS.4209", "Invalid metrics label. [nope]"));
    EXPECT_TRUE(is_dis_error(query("label=total_put_bytes_per_stream&end_time=2"), "DIS.4200",
                             "Invalid request. [start_time: is required]"));
    EXPECT_TRUE(is_dis_error(query("label=total_put_bytes_per_stream&start_time=x&end_time=2"), "DIS.4203",
                             "Invalid monitoring period. [start_time x]"));
    EXPECT_TRUE(is_dis_error(query("label=total_put_bytes_per_stream&start_time=3&end_time=2"), "DIS.4203",
                             "Invalid monitoring period. [start_time is after end_time]"));
    EXPECT_TRUE(is_dis_error(query("label=total_put_bytes_per_stream&start_time=0&end_time=604801"),
                             "DIS.4204", "The monitoring period cannot be longer than 7 days."));
    EXPECT_TRUE(is_json_answer(query("label=total_put_bytes_per_stream&start_time=0&end_time=604800")));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/streams/nope/metrics?label=total_put_bytes_per_stream&"
                                                "start_time=1&end_time=2")),
                     "DIS.4301", "The stream does not exist. [nope][" + std::string(project_id) + "]"));
    const auto partition = [&](const std::string& id) {
        return server.request("GET",
                              path("/streams/orders/partitions/" + id +
                                   "/metrics?label=total_put_bytes_per_partition&start_time=1&end_time=2"));
    };
    EXPECT_TRUE(is_dis_error(partition("x"), "DIS.4201", "Invalid partition_id. [x]"));
    EXPECT_TRUE(is_dis_error(partition("2"), "DIS.4302", "Partition does not exist. [shardId-0000000002]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/streams/orders/partitions/0/metrics?"
                                                "label=total_put_bytes_per_stream&start_time=1&end_time=2")),
                     "DIS.4209", "Invalid metrics label. [total_put_bytes_per_stream]"));
}

}  // namespace
}  // namespace emu::test
