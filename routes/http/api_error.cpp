#include "routes/http/api_error.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <utility>

#include "routes/http/validation.hpp"

namespace emu::routes {

namespace {

struct known_error {
    std::string_view code;
    unsigned status;
    std::string_view message;
};

// DMS error-code table (reference dms-kafka-api.md §8.3), the codes this emulator answers with.
constexpr std::array dms_errors{
    known_error{"DMS.00400002", 400, "The project ID format is invalid."},
    known_error{"DMS.00400004", 400, "The request body is empty."},
    known_error{"DMS.00400005", 400,
                "The message body is not in JSON format or contains invalid characters."},
    known_error{"DMS.00400009", 400, "Invalid product_id."},
    known_error{"DMS.00400010", 400,
                "Invalid instance name. The name must be 4 to 64 characters long, start with a letter, and "
                "contain only letters, digits, hyphens (-), and underscores (_)."},
    known_error{"DMS.00400011", 400, "The instance description can contain a maximum of 1024 characters."},
    known_error{"DMS.00400013", 400, "vpc_id in the request is empty."},
    known_error{"DMS.00400014", 400, "security_group_id in the request is empty."},
    known_error{"DMS.00400016", 400, "subnet_id in the request is empty."},
    known_error{"DMS.00400022", 400, "Engine does not match the product id."},
    known_error{"DMS.00400026", 400, "This operation is not allowed due to the instance status."},
    known_error{"DMS.00400030", 400, "Invalid DMS instance id. The id must be a uuid."},
    known_error{"DMS.00400042", 400, "The AZ does not exist."},
    known_error{"DMS.00400060", 400, "This instance name already exists."},
    known_error{"DMS.00400062", 400, "Invalid request parameter."},
    known_error{"DMS.00400063", 400, "Invalid configuration parameter."},
    known_error{
        "DMS.00400101", 400,
        "The name of a Kafka topic must be 3 to 200 characters long, start with a letter, and contain "
        "only letters, digits, periods (.), hyphens (-), and underscores (_)."},
    known_error{"DMS.00400102", 400,
                "The number of partitions in a topic must be within the range of 1-200."},
    known_error{"DMS.00400103", 400, "The number of replicas of a topic must be within the range of 1-3."},
    known_error{"DMS.00400105", 400,
                "The message retention period of a topic must be within the range of 1-720."},
    known_error{"DMS.00400800", 400, "Invalid request parameter. Check the request parameter."},
    known_error{"DMS.00400861", 400, "Replication factor larger than available brokers."},
    known_error{"DMS.00400142", 400, "Timestamp is invalid."},
    known_error{"DMS.10240018", 400, "The consumer group already exists."},
    known_error{"DMS.40050010", 400, "Offset parameter is invalid."},
    known_error{"DMS.111400864", 400, "The consumer group does not exist."},
    known_error{"DMS.00404022", 404, "This DMS instance does not exist."},
    known_error{"DMS.00500000", 500, "Internal service error."},
};

// DIS error-code table (reference dis-api.md §8.2).
constexpr std::array dis_errors{
    // 441: the legacy DIS signature's failures (auth.md §5, §7.2)
    known_error{"DIS.4100", 441, "Authorization error."},
    known_error{"DIS.4102", 441, "Incorrectly parsed authorization header."},
    known_error{"DIS.4103", 441, "Empty X-Sdk-Date header."},
    known_error{"DIS.4104", 441, "Error parsing X-Sdk-Date header."},
    known_error{"DIS.4105", 441, "Invalid X-Sdk-Date header."},
    known_error{"DIS.4106", 441, "Empty AcessKey header."},
    known_error{"DIS.4107", 441, "Invalid AcessKey header."},
    known_error{"DIS.4108", 441, "Empty ServiceName header."},
    known_error{
        "DIS.4109", 441,
        "The Authorization header must contain the following field: {Credential,SignedHeaders,Signature;}"},
    known_error{"DIS.4110", 441, "Empty Signature header."},
    known_error{"DIS.4111", 441, "Invalid Region header."},
    known_error{"DIS.4117", 400, "Invalid Project Id."},
    known_error{"DIS.4200", 400, "Invalid request."},
    known_error{"DIS.4201", 400, "Invalid partition_id."},
    known_error{"DIS.4202", 400, "Empty request."},
    known_error{"DIS.4203", 400, "Invalid monitoring period."},
    known_error{"DIS.4204", 400, "The monitoring period cannot be longer than 7 days."},
    known_error{"DIS.4205", 400, "Stream is not running."},
    known_error{"DIS.4209", 400, "Invalid metrics label."},
    known_error{"DIS.4215", 400, "Invalid cursor type."},
    known_error{"DIS.4216", 400, "Invalid sequence_number."},
    known_error{"DIS.4217", 400, "Invalid partition cursor."},
    known_error{"DIS.4224", 400, "Sequence_number out of range."},
    known_error{"DIS.4225", 400, "Expired partition cursor."},
    known_error{
        "DIS.4226", 400,
        "A partition iterator error occurred or a record to which the SN corresponds has expired. Try to "
        "obtain the partition iterator again."},
    known_error{"DIS.4300", 400, "Request error."},
    known_error{"DIS.4301", 400, "The stream does not exist."},
    known_error{"DIS.4302", 400, "Partition does not exist."},
    known_error{"DIS.4307", 400, "The stream already exists."},
    known_error{"DIS.4308", 400, "Insufficient quota."},
    known_error{"DIS.4319", 400, "Partition is expired."},
    known_error{"DIS.4330", 400, "app already exist."},
    known_error{"DIS.4332", 400, "app not found."},
    known_error{"DIS.4339", 400, "Consumer quota exceeded."},
    // Transfer (dump) tasks, kept as configuration only
    known_error{"DIS.4354", 400, "The transfer task does not exist."},
    known_error{"DIS.4355", 400, "The transfer task already exists."},
    known_error{"DIS.4357", 400, "Exceeded transfer task quota."},
    known_error{"DIS.4360", 400, "Invalid data schema."},
    // Tags
    known_error{"DIS.4601", 400, "The number of resource tags has reached the maximum."},
    known_error{"DIS.4603", 400, "The resource does not exist."},
    known_error{"DIS.4604", 400, "The key does not exist."},
    known_error{"DIS.4605", 400, "The action is not supported."},
    // The DIS Kafka adapter's group codes (the Java SDK's Constants: ERROR_CODE_CONSUMER_*); the texts are
    // the
    // emulator's, after the SDK's descriptions of them.
    known_error{"DIS.4701", 400, "Consumer group rebalance in progress."},
    known_error{"DIS.4702", 400, "Consumer member does not exist."},
    known_error{"DIS.4703", 400, "Illegal consumer group generation."},
    known_error{"DIS.5000", 500, "System error."},
};

template <std::size_t N>
const known_error& lookup(const std::array<known_error, N>& table, std::string_view code) {
    for (const auto& entry : table) {
        if (entry.code == code) return entry;
    }
    // Only reachable through a typo in this codebase; the error-mapping test pins every code used.
    throw std::logic_error("unknown error code " + std::string(code));
}

}  // namespace

api_error::api_error(service format, unsigned status, std::string code, std::string message)
    : std::runtime_error(code + ": " + message),
      format_(format),
      status_(status),
      code_(std::move(code)),
      message_(std::move(message)) {}

api_error dms_error(std::string_view code) {
    const auto& entry = lookup(dms_errors, code);
    return api_error(service::dms, entry.status, std::string(entry.code), std::string(entry.message));
}

api_error dms_error(unsigned status, std::string code, std::string message) {
    return api_error(service::dms, status, std::move(code), std::move(message));
}

api_error dms_invalid_parameter(std::string_view name) {
    return dms_error(400, "DMS.00400062", "Invalid " + std::string(name) + " parameter in the request.");
}

api_error dis_error(std::string_view code, const std::vector<std::string>& details) {
    const auto& entry = lookup(dis_errors, code);
    std::string message(entry.message);
    if (!details.empty()) message.push_back(' ');
    for (const auto& detail : details) message += "[" + detail + "]";
    return api_error(service::dis, entry.status, std::string(entry.code), std::move(message));
}

api_error dis_invalid_request(std::string detail) {
    return dis_error("DIS.4200", {std::move(detail)});
}

api_error gateway_error(unsigned status, std::string code, std::string message) {
    return api_error(service::gateway, status, std::move(code), std::move(message));
}

std::string error_body(const api_error& error, std::string_view request_id) {
    // Messages can quote client input (a stream name from the path); JSON must stay UTF-8 regardless.
    const std::string message = to_utf8(error.message());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    switch (error.format()) {
        case service::dms:
            writer.Key("error_code");
            writer.String(error.code());
            writer.Key("error_msg");
            writer.String(message);
            break;
        case service::dis:
            writer.Key("errorCode");
            writer.String(error.code());
            writer.Key("message");
            writer.String(message);
            break;
        case service::gateway:
            writer.Key("error_code");
            writer.String(error.code());
            writer.Key("error_msg");
            writer.String(message);
            writer.Key("request_id");
            writer.String(request_id.data(), static_cast<rapidjson::SizeType>(request_id.size()));
            break;
    }
    writer.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace emu::routes
