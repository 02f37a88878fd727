#include "routes/dis_apps.hpp"

#include "routes/json.hpp"
#include "routes/validation.hpp"

namespace emu::routes {

response dis_create_app(const request_context& ctx, state::state& st) {
    require_dis_project(ctx);
    const auto document = parse_json_object(ctx.body, service::dis);
    const json_fields fields(document, service::dis);
    state::app_spec spec;
    spec.app_name = fields.req_string("app_name");
    if (!is_dis_name(spec.app_name, dis_app_name_max)) {
        throw fields.invalid("app_name", "must be 1 to 200 letters, digits, _ or -");
    }
    st.dis.create_app(ctx.param("project_id"), std::move(spec));
    return response::empty(201);
}

}  // namespace emu::routes
