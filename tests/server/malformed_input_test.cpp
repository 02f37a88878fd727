// Malformed input, end to end over real sockets: for every kind of bad input the exact answer (status and
// error body in the service's own format, or the gateway's for transport-level faults) and proof that the
// state did not change. HTTP-level cases go over a raw connection, byte for byte.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "routes/http/api_error.hpp"
#include "routes/http/validation.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string not_json = "The message body is not in JSON format or contains invalid characters.";

void expect_gateway(const http_reply& reply, unsigned status, const std::string& code,
                    const std::string& message) {
    EXPECT_EQ(reply.status, status) << reply.body;
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject());
    EXPECT_EQ(std::string(body["error_code"].GetString()), code);
    EXPECT_EQ(std::string(body["error_msg"].GetString()), message);
    EXPECT_EQ(std::string(body["request_id"].GetString()), reply.header("x-request-id"));
}

// An instance with topic "orders" (3 partitions, 3 messages in partition 0, a group with a committed
// offset), and a DIS stream "s" (2 partitions, 2 records each) read by app "billing" with a checkpoint.
class malformed_input : public testing::Test {
  protected:
    test_server server;
    std::string instance = create_instance(server);

    void SetUp() override {
        create_topic(server, instance, "orders", 3);
        for (int i = 0; i < 3; ++i) send(server, instance, "orders", "m" + std::to_string(i), 0);
        create_group(server, instance, "g1");
        server.state().kafka.cluster(project_id, instance)->commit_offset("g1", "orders", 0, 1);
        ASSERT_EQ(
            server.request("POST", path("/streams"), R"({"stream_name":"s","partition_count":2})").status,
            201U);
        for (const char* p : {"0", "1"}) {
            const auto put = server.request(
                "POST", path("/records"),
                std::string(R"({"stream_name":"s","records":[{"data":"QUFB","partition_id":")") + p +
                    R"("},{"data":"QkJC","partition_id":")" + p + R"("}]})");
            ASSERT_EQ(put.status, 200U) << put.body;
        }
        ASSERT_EQ(create_app(server, "billing").status, 201U);
        const auto commit = server.request(
            "POST", path("/checkpoints"),
            R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"s","partition_id":"0","sequence_number":"1","metadata":"m"})");
        ASSERT_EQ(commit.status, 201U) << commit.body;
        before_ = snapshot();
    }

    // Everything a bad request could have touched, as text.
    std::string snapshot() {
        auto& st = server.state();
        std::ostringstream out;
        for (const auto& inst : st.kafka.list_instances(project_id)) {
            out << "instance " << inst.spec.name << " " << inst.spec.status << "\n";
            for (const auto& topic : st.kafka.cluster(project_id, inst.spec.instance_id)->list_topics()) {
                out << " topic " << topic.name << " " << topic.partition_count << " " << topic.retention_hours
                    << "\n";
                for (const auto& p :
                     st.kafka.cluster(project_id, inst.spec.instance_id)->partitions(topic.name)) {
                    out << "  p" << p.partition << " " << p.start_offset << ".." << p.end_offset << " "
                        << p.retained_bytes << "\n";
                }
            }
            for (const auto& group : st.kafka.cluster(project_id, inst.spec.instance_id)->list_groups()) {
                out << " group " << group.group_id << " lag " << group.lag << "\n";
            }
        }
        const auto streams = st.dis.list_streams(project_id, "", 100);
        for (const auto& stream : streams.streams) {
            out << "stream " << stream.spec.stream_name << " " << stream.spec.partition_count << "\n";
            for (const auto& p : stream.partitions)
                out << " p" << p.index << " " << p.earliest << ".." << p.next << "\n";
        }
        const auto cp = st.dis.get_checkpoint(project_id, {"billing", "s", 0, "LAST_READ"});
        out << "checkpoint " << (cp ? std::to_string(cp->sequence_number) + " " + cp->metadata : "none")
            << "\n";
        out << "apps " << st.dis.list_apps(project_id, "", 100, std::nullopt).total << "\n";
        out << "stored " << st.budget->used() << "\n";
        return out.str();
    }

    void expect_unchanged() { EXPECT_EQ(snapshot(), before_); }

    http_reply send_message(const std::string& body, const header_list& headers = {}) {
        return server.request("POST", send_path(instance), body, headers);
    }
    http_reply put_records(const std::string& body, const header_list& headers = {}) {
        return server.request("POST", path("/records"), body, headers);
    }
    http_reply delete_messages(const std::string& body) {
        return server.request("POST", post_delete_path(instance, "orders"), body);
    }
    std::string head(std::string_view method, const std::string& target, std::string_view extra = {}) {
        return raw_head(method, target, extra);
    }

    std::string before_;
};

// ---- invalid JSON -----------------------------------------------------------------------------------------

TEST_F(malformed_input, invalid_json_gets_each_services_parse_error) {
    for (const std::string body : {R"({"topic":"orders",)", "not json", R"({"topic":"orders"} trailing)",
                                   "[1,2]", "\"a string\"", "{'single':'quotes'}"}) {
        SCOPED_TRACE(body);
        expect_dms_error(send_message(body), 400, "DMS.00400005", not_json);
        expect_dms_error(delete_messages(body), 400, "DMS.00400005", not_json);
        EXPECT_TRUE(is_dis_error(put_records(body), "DIS.4300", "Request error."));
        EXPECT_TRUE(
            is_dis_error(server.request("POST", path("/checkpoints"), body), "DIS.4300", "Request error."));
    }
    expect_unchanged();
}

TEST_F(malformed_input, deeply_nested_json_is_refused_without_exhausting_the_stack) {
    const std::string open(1'000'000, '[');
    expect_dms_error(send_message(open), 400, "DMS.00400005", not_json);
    EXPECT_TRUE(is_dis_error(put_records(open), "DIS.4300", "Request error."));
    const std::string nested = std::string(200'000, '[') + std::string(200'000, ']');
    expect_invalid_parameter(send_message(R"({"topic":"orders","body":)" + nested + "}"), "body");
    EXPECT_TRUE(is_dis_error(put_records(R"({"stream_name":"s","records":)" + nested + "}"), "DIS.4200",
                             "Invalid request. [records[0]: must be an object]"));
    expect_unchanged();
    // Deep nesting in a member nobody reads is harmless: unknown members are ignored.
    const auto ignored = put_records(
        R"({"stream_name":"s","records":[{"data":"QUFB","partition_id":"1"}],"x":)" + nested + "}");
    EXPECT_EQ(ignored.status, 200U) << ignored.body;
    EXPECT_EQ(server.state().dis.records(project_id, "s", 1).size(), 3U);
}

TEST_F(malformed_input, an_empty_body_where_one_is_required_is_refused) {
    expect_dms_error(send_message(""), 400, "DMS.00400004", "The request body is empty.");
    EXPECT_TRUE(is_dis_error(put_records(""), "DIS.4202", "Empty request."));
    expect_unchanged();
}

// ---- wrong JSON types
// -----------------------------------------------------------------------------------------

TEST_F(malformed_input, wrong_json_types_are_refused_naming_the_field) {
    expect_invalid_parameter(send_message(R"({"topic":5,"body":"x"})"), "topic");
    expect_invalid_parameter(send_message(R"({"topic":"orders","body":{"a":1}})"), "body");
    expect_invalid_parameter(send_message(R"({"topic":"orders","body":"x","property_list":"PARTITION"})"),
                             "property_list");
    expect_invalid_parameter(delete_messages(R"({"partitions":{"partition":0,"offset":1}})"), "partitions");
    expect_invalid_parameter(delete_messages(R"({"partitions":[{"partition":"0","offset":1}]})"),
                             "partitions[0].partition");
    expect_invalid_parameter(delete_messages(R"({"partitions":[{"partition":0,"offset":true}]})"),
                             "partitions[0].offset");
    expect_invalid_parameter(delete_messages(R"({"partitions":[{"partition":0,"offset":1.5}]})"),
                             "partitions[0].offset");
    expect_invalid_parameter(delete_messages(R"({"partitions":[{"partition":0,"offset":null}]})"),
                             "partitions[0].offset");
    const auto records_string = put_records(R"({"stream_name":"s","records":"QUFB"})");
    EXPECT_TRUE(is_dis_error(records_string, "DIS.4200", "Invalid request. [records: must be an array]"));
    const auto data_number = put_records(R"({"stream_name":"s","records":[{"data":12}]})");
    EXPECT_TRUE(
        is_dis_error(data_number, "DIS.4200", "Invalid request. [records[0].data: must be a string]"));
    const auto name_array = put_records(R"({"stream_name":["s"],"records":[{"data":"QUFB"}]})");
    EXPECT_TRUE(is_dis_error(name_array, "DIS.4200", "Invalid request. [stream_name: must be a string]"));
    expect_unchanged();
}

// ---- huge, negative and overflowing numbers
// ----------------------------------------------------------------------

TEST_F(malformed_input, huge_and_negative_numbers_are_refused_or_fail_per_entry) {
    // Offsets and partitions beyond 64 and 32 bits, and numbers JSON can only carry as doubles.
    for (const std::string offset :
         {"9223372036854775808", "18446744073709551616", "1e300", "-9223372036854775809"}) {
        SCOPED_TRACE(offset);
        expect_invalid_parameter(
            delete_messages(R"({"partitions":[{"partition":0,"offset":)" + offset + "}]}"),
            "partitions[0].offset");
    }
    for (const std::string partition : {"2147483648", "-2147483649", "9223372036854775808"}) {
        SCOPED_TRACE(partition);
        expect_invalid_parameter(
            delete_messages(R"({"partitions":[{"partition":)" + partition + R"(,"offset":1}]})"),
            "partitions[0].partition");
    }
    // In range for the types but not for the log: per-entry failures, nothing moves.
    expect_json(
        delete_messages(
            R"({"partitions":[{"partition":0,"offset":-2},{"partition":0,"offset":9223372036854775807},{"partition":2147483647,"offset":0}]})"),
        200,
        R"({"partitions":[{"partition":0,"result":"failed","error_code":1},{"partition":0,"result":"failed","error_code":1},{"partition":2147483647,"result":"failed","error_code":3}]})");
    expect_dms_error(send_message(send_body("orders", "x", 2147483647, {})), 400, "DMS.00400062",
                     "Invalid partition parameter in the request.");
    const auto big_partitions =
        server.request("POST", topics_path(instance), R"({"id":"big","partition":1e30})");
    expect_invalid_parameter(big_partitions, "partition");
    const auto negative_partitions =
        server.request("POST", topics_path(instance), R"({"id":"neg","partition":-3})");
    expect_dms_error(negative_partitions, 400, "DMS.00400102",
                     "The number of partitions in a topic must be within the range of 1-200.");
    const auto stream_huge = server.request("POST", path("/streams"),
                                            R"({"stream_name":"t","partition_count":99999999999999999999})");
    EXPECT_TRUE(
        is_dis_error(stream_huge, "DIS.4200", "Invalid request. [partition_count: must be an integer]"));
    const auto stream_negative =
        server.request("POST", path("/streams"), R"({"stream_name":"t","partition_count":-1})");
    EXPECT_TRUE(is_dis_error(stream_negative, "DIS.4200",
                             "Invalid request. [partition_count: must be from 1 to 2147483647]"));
    expect_unchanged();
}

TEST_F(malformed_input, overflowing_numbers_in_the_query_and_the_path_are_refused) {
    const auto base =
        "/v2/" + project_id + "/instances/" + instance + "/management/topics/orders/partitions/";
    expect_invalid_parameter(server.request("GET", base + "0/message?message_offset=99999999999999999999"),
                             "message_offset");
    // In range for the type: below the log start, answered like any offset outside the log.
    expect_json(server.request("GET", base + "0/message?message_offset=-1"), 200, R"({"message":[]})");
    expect_invalid_parameter(server.request("GET", base + "99999999999/end-message"), "partition");
    expect_invalid_parameter(server.request("GET", base + "-1/end-message"), "partition");
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/cursors?stream-name=s&partition-id=shardId-99999999999")),
                     "DIS.4201", "Invalid partition_id. [shardId-99999999999]"));
    const auto seq = server.request(
        "GET",
        path("/cursors?stream-name=s&partition-id=0&cursor-type=AT_SEQUENCE_NUMBER&starting-sequence-number="
             "99999999999999999999"));
    EXPECT_TRUE(is_dis_error(seq, "DIS.4216", "Invalid sequence_number. [99999999999999999999]"));
    const auto commit = server.request(
        "POST", path("/checkpoints"),
        R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"s","partition_id":"0","sequence_number":"99999999999999999999"})");
    EXPECT_TRUE(is_dis_error(commit, "DIS.4216", "Invalid sequence_number. [99999999999999999999]"));
    expect_unchanged();
}

// ---- invalid UTF-8
// ------------------------------------------------------------------------------------------------

TEST_F(malformed_input, invalid_utf8_in_a_body_is_a_parse_error) {
    const std::string bad = "\xC3\x28";
    expect_dms_error(send_message(R"({"topic":"orders","body":")" + bad + R"("})"), 400, "DMS.00400005",
                     not_json);
    EXPECT_TRUE(is_dis_error(put_records(R"({"stream_name":"s)" + bad + R"(","records":[{"data":"QUFB"}]})"),
                             "DIS.4300", "Request error."));
    expect_unchanged();
}

TEST_F(malformed_input, invalid_utf8_in_the_path_or_query_is_refused_and_never_echoed) {
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/%FF%FE")), "DIS.4200",
                             "Invalid request. [stream_name is not valid UTF-8]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/checkpoints?app_name=%C0%AF&stream_name=s")),
                             "DIS.4200", "Invalid request. [app_name is not valid UTF-8]"));
    expect_invalid_parameter(
        server.request("POST", post_delete_path(instance, "%ED%A0%80"), R"({"partitions":[]})"), "topic");
    expect_invalid_parameter(server.request("GET", "/v2/" + project_id + "/instances/" + instance +
                                                       "/messages?topic=orders&key=%FF"),
                             "key");
    expect_unchanged();
}

// ---- percent-encoded slashes and dot segments
// ---------------------------------------------------------------------

TEST_F(malformed_input, an_encoded_slash_stays_inside_its_segment) {
    // "orders%2Fmessages" is one topic name, not two segments: no route gets a different meaning.
    expect_dms_error(server.request("POST", post_delete_path(instance, "orders%2Fx"),
                                    R"({"partitions":[{"partition":0,"offset":-1}]})"),
                     400, "DMS.00400062", invalid_topic);
    expect_gateway_404(
        server.request("POST", dms + "/kafka/instances/" + instance + "/topics/orders/messages%2Fdelete",
                       R"({"partitions":[{"partition":0,"offset":-1}]})"));
    const auto stream = server.request("DELETE", path("/streams/s%2Fx"));
    EXPECT_TRUE(is_dis_error(stream, "DIS.4301", "The stream does not exist. [s/x][" + project_id + "]"));
    const auto project_slash = server.request("GET", "/v2/" + project_id + "%2Fstreams");
    expect_gateway(project_slash, 404, "APIGW.0101", gateway_message);
    expect_unchanged();
}

TEST_F(malformed_input, dot_segments_are_never_normalised_into_another_route) {
    // Would be DELETE /v2/{p}/streams/s after normalisation.
    const auto up = server.request("DELETE", path("/streams/x/../s"));
    expect_gateway(up, 404, "APIGW.0101", gateway_message);
    // ".." and "." are names like any other (and invalid ones).
    const auto dots = server.request("DELETE", path("/streams/.."));
    EXPECT_TRUE(is_dis_error(dots, "DIS.4301", "The stream does not exist. [..][" + project_id + "]"));
    const auto encoded = server.request("DELETE", path("/streams/%2E%2E"));
    EXPECT_TRUE(is_dis_error(encoded, "DIS.4301", "The stream does not exist. [..][" + project_id + "]"));
    expect_dms_error(server.request("POST", post_delete_path(instance, ".."),
                                    R"({"partitions":[{"partition":0,"offset":-1}]})"),
                     400, "DMS.00400062", invalid_topic);
    expect_gateway_404(
        server.request("POST", dms + "/kafka/instances/" + instance + "/topics/x/../orders/messages/delete",
                       R"({"partitions":[{"partition":0,"offset":-1}]})"));
    expect_unchanged();
}

// ---- duplicate query parameters
// ----------------------------------------------------------------------------------

TEST_F(malformed_input, a_query_parameter_given_twice_is_refused) {
    EXPECT_TRUE(
        is_dis_error(server.request("DELETE", path("/checkpoints?app_name=billing&stream_name=s&partition_id="
                                                   "0&checkpoint_type=LAST_READ&partition_id=1")),
                     "DIS.4200", "Invalid request. [partition_id is given more than once]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/checkpoints?app_name=billing&app_name=other&stream_name=s"
                                                "&partition_id=0&checkpoint_type=LAST_READ")),
                     "DIS.4200", "Invalid request. [app_name is given more than once]"));
    expect_invalid_parameter(server.request("POST", send_path(instance, "?action_id=send&action_id=send"),
                                            send_body("orders", "x", 0, {})),
                             "action_id");
    expect_unchanged();
}

// ---- Content-Type
// --------------------------------------------------------------------------------------------------

TEST_F(malformed_input, a_body_declared_as_something_other_than_json_is_refused) {
    for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/xml"}) {
        SCOPED_TRACE(type);
        expect_dms_error(send_message(send_body("orders", "x", 0, {}), {{"Content-Type", type}}), 400,
                         "DMS.00400005", not_json);
        EXPECT_TRUE(is_dis_error(
            put_records(R"({"stream_name":"s","records":[{"data":"QUFB"}]})", {{"Content-Type", type}}),
            "DIS.4300", "Request error."));
    }
    expect_unchanged();
}

TEST_F(malformed_input, json_content_types_and_a_missing_one_are_accepted) {
    for (const std::string type :
         {"application/json", "Application/JSON; charset=UTF-8", "application/merge-patch+json"}) {
        SCOPED_TRACE(type);
        EXPECT_EQ(send_message(send_body("orders", "x", 1, {}), {{"Content-Type", type}}).status, 200U);
    }
    raw_connection conn(server.port());
    const std::string body = send_body("orders", "y", 1, {});
    ASSERT_TRUE(conn.send(
        head("POST", send_path(instance), "Content-Length: " + std::to_string(body.size()) + "\r\n") + body));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200U) << reply->body;
    EXPECT_EQ(server.state().kafka.cluster(project_id, instance)->partition("orders", 1).end_offset, 4);
}

// ---- chunked bodies
// ------------------------------------------------------------------------------------------------

TEST_F(malformed_input, a_chunked_body_is_read_like_any_other) {
    const std::string body = send_body("orders", "chunky", 2, {});
    const std::string half = body.substr(0, 10);
    const std::string rest = body.substr(10);
    std::ostringstream chunked;
    chunked << std::hex << half.size() << "\r\n"
            << half << "\r\n"
            << rest.size() << "\r\n"
            << rest << "\r\n0\r\n\r\n";
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(head("POST", send_path(instance),
                               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
                          chunked.str()));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200U) << reply->body;
    const auto stored = server.state().kafka.cluster(project_id, instance)->message_at("orders", 2, 0);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->value, "chunky");
}

TEST_F(malformed_input, a_broken_chunked_body_gets_400_and_changes_nothing) {
    for (const std::string& chunks :
         {std::string("zz\r\n{}\r\n0\r\n\r\n"), std::string("ffffffffffffffffff\r\n{}\r\n"),
          std::string("5\r\n{}\r\n0\r\n\r\n")}) {
        raw_connection conn(server.port());
        ASSERT_TRUE(conn.send(head("POST", send_path(instance), "Transfer-Encoding: chunked\r\n") + chunks));
        const auto reply = conn.read_reply();
        ASSERT_TRUE(reply);
        expect_gateway(*reply, 400, "APIGW.0201", "API request error.");
        EXPECT_TRUE(conn.closed_by_server());
    }
    expect_unchanged();
}

TEST_F(malformed_input, a_chunked_body_over_the_body_limit_gets_413) {
    test_server small([](server::config& c) { c.body_limit = 64; });
    raw_connection conn(small.port());
    const std::string chunk(100, 'x');
    ASSERT_TRUE(conn.send(head("POST", path("/records"), "Transfer-Encoding: chunked\r\n") + "64\r\n" +
                          chunk + "\r\n"));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway(*reply, 413, "APIGW.0201", "Request entity too large.");
}

TEST_F(malformed_input, content_length_and_transfer_encoding_together_are_refused) {
    raw_connection conn(server.port());
    const std::string body = send_body("orders", "smuggled", 0, {});
    ASSERT_TRUE(conn.send(
        head("POST", send_path(instance),
             "Content-Length: " + std::to_string(body.size()) + "\r\nTransfer-Encoding: chunked\r\n") +
        body));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway(*reply, 400, "APIGW.0201", "API request error.");
    expect_unchanged();
}

// ---- pipelining
// -----------------------------------------------------------------------------------------------------

TEST_F(malformed_input, pipelined_requests_are_applied_and_answered_in_order) {
    const std::string first = send_body("orders", "p1", 1, {});
    const std::string second = send_body("orders", "p2", 1, {});
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(
        head("POST", send_path(instance), "Content-Length: " + std::to_string(first.size()) + "\r\n") +
        first +
        head("POST", send_path(instance), "Content-Length: " + std::to_string(second.size()) + "\r\n") +
        second + head("GET", partition_path(instance, "orders", "1") + "/end-message")));
    for (const char* value : {"\"body\":\"p1\"", "\"body\":\"p2\""}) {
        const auto reply = conn.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->status, 200U) << reply->body;
        EXPECT_NE(reply->body.find(value), std::string::npos) << reply->body;
    }
    const auto last = conn.read_reply();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->status, 200U);
    EXPECT_NE(last->body.find("\"offset\":1"), std::string::npos) << last->body;  // p2, after p1 at offset 0
    EXPECT_EQ(server.state().kafka.cluster(project_id, instance)->message_at("orders", 1, 1)->value, "p2");
}

TEST_F(malformed_input, a_malformed_request_ends_the_pipeline_and_what_follows_is_not_applied) {
    const std::string body = send_body("orders", "never", 0, {});
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send(
        "POST " + send_path(instance) + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" +
        head("POST", send_path(instance), "Content-Length: " + std::to_string(body.size()) + "\r\n") + body));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway(*reply, 400, "APIGW.0201", "API request error.");
    EXPECT_TRUE(conn.closed_by_server());
    expect_unchanged();
}

// ---- HTTP versions
// ------------------------------------------------------------------------------------------------

TEST_F(malformed_input, http_1_0_is_served_and_the_connection_closes_after_the_answer) {
    raw_connection conn(server.port());
    ASSERT_TRUE(conn.send("GET " + partition_path(instance, "orders", "0") +
                          "/end-message HTTP/1.0\r\nX-Auth-Token: " + test_token + "\r\n\r\n"));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200U) << reply->body;
    EXPECT_NE(reply->body.find("\"offset\":2"), std::string::npos) << reply->body;
    EXPECT_TRUE(conn.closed_by_server());
    expect_unchanged();
}

TEST_F(malformed_input, unknown_http_versions_and_garbage_request_lines_get_400) {
    for (const std::string line :
         {"GET / HTTP/2.0", "GET / HTTP/9.9", "GET /  HTTP/1.1", "GET", "\x01\x02\x03"}) {
        SCOPED_TRACE(line);
        raw_connection conn(server.port());
        ASSERT_TRUE(conn.send(line + "\r\nHost: x\r\n\r\n"));
        const auto reply = conn.read_reply();
        ASSERT_TRUE(reply);
        expect_gateway(*reply, 400, "APIGW.0201", "API request error.");
    }
    expect_unchanged();
}

// ---- oversized headers
// -----------------------------------------------------------------------------------------------

TEST_F(malformed_input, headers_over_the_default_limit_get_494_and_change_nothing) {
    raw_connection conn(server.port());
    const std::string body = send_body("orders", "big-headers", 0, {});
    ASSERT_TRUE(conn.send(head("POST", send_path(instance),
                               "X-Padding: " + std::string(70 * 1024, 'p') +
                                   "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") +
                          body));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    expect_gateway(*reply, 494, "APIGW.0201", "Request headers too large.");
    expect_unchanged();
}

// ---- bodies on GET
// ---------------------------------------------------------------------------------------------------

TEST_F(malformed_input, a_body_on_get_is_ignored) {
    const auto target =
        path("/checkpoints?app_name=billing&stream_name=s&partition_id=0&checkpoint_type=LAST_READ");
    const auto plain = server.request("GET", target);
    ASSERT_EQ(plain.status, 200U) << plain.body;
    for (const std::string& body :
         {std::string("{not json"), std::string(R"({"sequence_number":"0"})"), std::string(1000, '\xFF')}) {
        const auto with_body = server.request("GET", target, body, {{"Content-Type", "text/plain"}});
        EXPECT_EQ(with_body.status, 200U);
        EXPECT_EQ(with_body.body, plain.body);
    }
    expect_unchanged();
}

// ---- the UTF-8 rules behind the path, query and error-body checks
// -----------------------------------------------

TEST(utf8, well_formed_text_passes_and_every_malformed_shape_fails) {
    for (const std::string& ok :
         {std::string(""), std::string("plain"), std::string("caf\xC3\xA9"), std::string("\xE4\xB8\xAD"),
          std::string("\xF0\x9F\x98\x80"), std::string("\xF4\x8F\xBF\xBF")}) {
        EXPECT_TRUE(routes::is_utf8(ok)) << ok;
    }
    for (const std::string& bad :
         {std::string("\xFF"), std::string("\x80"), std::string("\xC0\xAF"), std::string("\xE0\x80\xAF"),
          std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"), std::string("\xE2\x82"),
          std::string("a\xC3")}) {
        EXPECT_FALSE(routes::is_utf8(bad)) << testing::PrintToString(bad);
    }
    EXPECT_EQ(routes::to_utf8("a\xFF"
                              "b\xC3\xA9"),
              "a\xEF\xBF\xBD"
              "b\xC3\xA9");
}

TEST(utf8, an_error_message_quoting_bad_bytes_still_makes_a_json_body) {
    const auto body = routes::error_body(routes::dis_error("DIS.4301", {"s\xFF"}), "id");
    EXPECT_EQ(body,
              "{\"errorCode\":\"DIS.4301\",\"message\":\"The stream does not exist. [s\xEF\xBF\xBD]\"}");
}

}  // namespace
}  // namespace emu::test
