// SPDX-License-Identifier: GPL-3.0-or-later
// Typed request values and the cross-site check of state-changing routes.

#include "Core/Common/Error.h"
#include "Core/Http/CrossSiteCheck.h"
#include "Core/Http/RequestValues.h"

#include <gtest/gtest.h>

#include <json/reader.h>

using namespace DicomMail;

namespace
{
  Json::Value Parse(const std::string& text)
  {
    Json::Value value;
    Json::CharReaderBuilder builder;
    std::string errors;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors)) << errors;
    return value;
  }

  // The message of the BadInput error "action" throws.
  template <typename Action>
  std::string BadInput(Action action)
  {
    try
    {
      action();
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::BadInput, e.GetKind());
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  CrossSiteFacts Facts(const std::string& origin, const std::string& contentType, bool hasBody = true)
  {
    CrossSiteFacts facts;
    facts.origin = origin;
    facts.host = "pacs.example:8042";
    facts.contentType = contentType;
    facts.hasBody = hasBody;
    return facts;
  }
}


TEST(HttpRequestValues, CountArguments)
{
  EXPECT_EQ(0u, RequestValues::ParseCount("since", "0", 10));
  EXPECT_EQ(100u, RequestValues::ParseCount("limit", "100", 1000));
  for (const char* bad : {"abc", "-1", "", " 5", "5 ", "1e3", "+3", "99999999999"})
  {
    const std::string message = BadInput([&] { RequestValues::ParseCount("limit", bad, 1000); });
    EXPECT_NE(std::string::npos, message.find("\"limit\"")) << message;
    EXPECT_NE(std::string::npos, message.find(std::string("\"") + bad + "\"")) << message;
  }
  EXPECT_NE(std::string::npos, BadInput([] { RequestValues::ParseCount("limit", "1001", 1000); }).find("1001"));
  // Whatever arrives is echoed printable and short.
  const std::string message = BadInput([] { RequestValues::ParseCount("limit", std::string("\x01\n", 2) +
                                                                      std::string(500, 'x'), 1000); });
  EXPECT_EQ(std::string::npos, message.find('\n'));
  EXPECT_LT(message.size(), 200u);
}

TEST(HttpRequestValues, JsonFields)
{
  const Json::Value body = Parse("{\"Synchronous\": \"yes\", \"Replace\": true, \"Algorithm\": 3,"
                                 " \"Priority\": 1.5, \"Name\": \"x\", \"Empty\": \"\", \"Null\": null}");
  EXPECT_TRUE(RequestValues::GetBool(body, "Replace", false));
  EXPECT_FALSE(RequestValues::GetBool(body, "Missing", false));
  EXPECT_TRUE(RequestValues::GetBool(body, "Null", true));
  EXPECT_EQ("x", RequestValues::GetString(body, "Name", "d"));
  EXPECT_EQ("d", RequestValues::GetString(body, "Missing", "d"));
  EXPECT_EQ(7, RequestValues::GetInt(body, "Missing", 7));
  EXPECT_EQ("x", RequestValues::GetRequiredString(body, "Name"));

  std::string message = BadInput([&] { RequestValues::GetBool(body, "Synchronous", false); });
  EXPECT_NE(std::string::npos, message.find("\"Synchronous\" must be true or false, not \"yes\"")) << message;
  message = BadInput([&] { RequestValues::GetString(body, "Algorithm", ""); });
  EXPECT_NE(std::string::npos, message.find("\"Algorithm\" must be a string, not 3")) << message;
  message = BadInput([&] { RequestValues::GetInt(body, "Priority", 0); });
  EXPECT_NE(std::string::npos, message.find("\"Priority\" must be an integer, not 1.5")) << message;
  EXPECT_NE(std::string::npos, BadInput([&] { RequestValues::GetRequiredString(body, "Empty"); }).find("\"Empty\""));
  EXPECT_NE(std::string::npos, BadInput([&] { RequestValues::GetRequiredString(body, "Missing"); }).find("null"));
  // Not an object at all: every field is absent.
  EXPECT_TRUE(RequestValues::GetBool(Json::Value("text"), "Replace", true));
}

TEST(HttpCrossSite, FormTypesAreRefusedWhateverTheOrigin)
{
  for (const char* type : {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "text/plain;charset=UTF-8", "TEXT/PLAIN"})
  {
    for (const char* origin : {"", "http://pacs.example:8042"})
    {
      const CrossSiteVerdict verdict = CheckCrossSite(Facts(origin, type), RouteBody::Json);
      EXPECT_EQ(415, verdict.status) << type << " " << origin;
      EXPECT_NE(std::string::npos, verdict.message.find("application/json")) << verdict.message;
    }
    EXPECT_EQ(415, CheckCrossSite(Facts("", type, false), RouteBody::Json).status) << "an empty form: " << type;
    EXPECT_EQ(415, CheckCrossSite(Facts("", type), RouteBody::ArmoredKey).status);
  }
  EXPECT_NE(std::string::npos, CheckCrossSite(Facts("", "text/plain"), RouteBody::ArmoredKey).message
            .find("application/pgp-keys"));
  // A part of a multipart/form-data body, as Orthanc hands it over: no Origin, no Content-Type.
  CrossSiteFacts part = Facts("", "");
  part.host = "";
  part.formPart = true;
  EXPECT_EQ(415, CheckCrossSite(part, RouteBody::Json).status);
  part.contentType = "application/json";   // a Blob of that type in the form
  EXPECT_EQ(415, CheckCrossSite(part, RouteBody::Json).status);
}

TEST(HttpCrossSite, ForeignOriginIsRefused)
{
  for (const char* origin : {"http://evil.example", "http://pacs.example:8043",
                             "null", "http://pacs.example:8042.evil.example", "http://evil.example/pacs.example:8042"})
  {
    const CrossSiteVerdict verdict = CheckCrossSite(Facts(origin, "application/json"), RouteBody::Json);
    EXPECT_EQ(403, verdict.status) << origin;
    EXPECT_NE(std::string::npos, verdict.message.find(origin)) << verdict.message;
  }
  // Also without a body (a DELETE, POST /fetch).
  EXPECT_EQ(403, CheckCrossSite(Facts("http://evil.example", "", false), RouteBody::Json).status);
}

TEST(HttpCrossSite, SameOriginScriptsAndLuaAreAllowed)
{
  EXPECT_TRUE(CheckCrossSite(Facts("http://pacs.example:8042", "application/json"), RouteBody::Json).IsAllowed());
  EXPECT_TRUE(CheckCrossSite(Facts("HTTP://PACS.example:8042", "application/json; charset=utf-8"),
                             RouteBody::Json).IsAllowed());
  EXPECT_TRUE(CheckCrossSite(Facts("http://pacs.example:8042", "", false), RouteBody::Json).IsAllowed());
  // Lua's RestApiPost() and scripts: no Origin, no Content-Type.
  EXPECT_TRUE(CheckCrossSite(Facts("", ""), RouteBody::Json).IsAllowed());
  EXPECT_TRUE(CheckCrossSite(Facts("", "application/pgp-keys"), RouteBody::ArmoredKey).IsAllowed());
  EXPECT_TRUE(CheckCrossSite(Facts("", "application/json"), RouteBody::ArmoredKey).IsAllowed());

  // A browser body without Content-Type (fetch() with a Blob) is not JSON we can vouch for.
  EXPECT_EQ(415, CheckCrossSite(Facts("http://pacs.example:8042", ""), RouteBody::Json).status);
  EXPECT_EQ(415, CheckCrossSite(Facts("", "application/pgp-keys"), RouteBody::Json).status);
  EXPECT_EQ(415, CheckCrossSite(Facts("", "application/octet-stream"), RouteBody::Json).status);

  // Default ports, and a reverse proxy's X-Forwarded-Host.
  CrossSiteFacts facts = Facts("http://pacs.example", "application/json");
  facts.host = "pacs.example:80";
  EXPECT_TRUE(CheckCrossSite(facts, RouteBody::Json).IsAllowed());
  facts = Facts("https://pacs.example", "application/json");
  facts.host = "127.0.0.1:8042";
  EXPECT_EQ(403, CheckCrossSite(facts, RouteBody::Json).status);
  facts.forwardedHost = "pacs.example";
  EXPECT_TRUE(CheckCrossSite(facts, RouteBody::Json).IsAllowed());
}
