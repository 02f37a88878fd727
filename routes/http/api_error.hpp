#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace emu::routes {

// Which service's error body an answer uses.
enum class service { dms, dis, gateway };

// A failure with its client-facing answer. Thrown where the fact is known; serialized only by
// error_response().
class api_error : public std::runtime_error {
  public:
    api_error(service format, unsigned status, std::string code, std::string message);

    service format() const noexcept { return format_; }
    unsigned status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }

  private:
    service format_;
    unsigned status_;
    std::string code_;
    std::string message_;
};

// DMS: {"error_code","error_msg"}. The message is the table's text for `code`.
api_error dms_error(std::string_view code);
api_error dms_error(unsigned status, std::string code, std::string message);
// DMS.00400062 with the parameter named: "Invalid <name> parameter in the request."
api_error dms_invalid_parameter(std::string_view name);

// DIS: {"errorCode","message"}; status and fixed text from DIS's table; each detail is appended in
// brackets, as DIS does for codes whose text ends in %s.
api_error dis_error(std::string_view code, const std::vector<std::string>& details = {});
// DIS.4200 "Invalid request. [<detail>]"
api_error dis_invalid_request(std::string detail);

// API gateway: {"error_code","error_msg","request_id"}.
api_error gateway_error(unsigned status, std::string code, std::string message);

// The JSON body of an error answer.
std::string error_body(const api_error& error, std::string_view request_id);

}  // namespace emu::routes
