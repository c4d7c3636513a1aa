// A real consumer of --manifest-format django: Debian's python3-django with
// ManifestStaticFilesStorage (manifest_strict = True) and STATIC_ROOT = the
// output renders the hashed URL through its own {% static %} tag, with no
// code of ours in between, and refuses a name the build does not have.
//
// Django 3.2 (bookworm) reads only version "1.0" (django/contrib/staticfiles/
// storage.py, ManifestFilesMixin.load_manifest, lines 391-393 of 3.2.25:
// `if version == '1.0': return stored.get('paths', {})`, other keys ignored);
// 4.2+ read "1.0" and "1.1" and take "hash" as manifest_hash
// (`if version in ("1.0", "1.1"): return stored.get("paths", {}),
// stored.get("hash", "")`). So assetpipe writes version "1.0" plus "hash".
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

// Debian's interpreter: python3-django installs for it (another python3 on
// PATH, a virtualenv or pyenv, may not have Django).
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kScript = R"PY(
import hashlib, json, sys, urllib.parse
import django
from django.conf import settings

root = sys.argv[1]
storage = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
conf = dict(DEBUG=False, STATIC_URL="/static/", STATIC_ROOT=root,
            INSTALLED_APPS=["django.contrib.staticfiles"],
            TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
if django.VERSION >= (4, 2):
    conf["STORAGES"] = {"staticfiles": {"BACKEND": storage}}
else:
    conf["STATICFILES_STORAGE"] = storage
settings.configure(**conf)
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import engines

out = {"django": django.get_version(), "strict": staticfiles_storage.manifest_strict}
render = lambda name: engines["django"].from_string(
    "{% load static %}{% static '" + name + "' %}").render({})
out["css"] = render("css/app.css")
out["svg"] = urllib.parse.unquote(render("img/café.svg"))
try:
    out["missing"] = render("css/not-built.css")
except ValueError as e:
    out["missing_error"] = str(e)
# Django 4.2's save_manifest: the hash of the sorted paths.
paths = json.load(open(root + "/staticfiles.json"))["paths"]
out["expected_hash"] = hashlib.md5(json.dumps(sorted(paths.items())).encode()).hexdigest()[:12]
print(json.dumps(out))
)PY";

}  // namespace

TEST(DjangoConsumer, StaticTagRendersHashedUrlsFromTheOutput) {
  TempDir tmp;
  write(tmp / "in/index.html", "<!doctype html><link rel=stylesheet href=\"css/app.css\">\n");
  write(tmp / "in/css/app.css", "body { background: url(\"../img/café.svg\"); }\n");
  write(tmp / "in/img/café.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"></svg>\n");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(), "-j", "2",
                          "-q", "--manifest-format", "django"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json own = json::parse(read(tmp / "out/.assetpipe/manifest.json"))["assets"];
  json dj = json::parse(read(tmp / "out/staticfiles.json"));
  EXPECT_EQ(dj["version"], "1.0");
  EXPECT_EQ(dj["paths"]["css/app.css"], own["css/app.css"]["file"]);

  write(tmp / "check.py", kScript);
  auto py = run_program({kPython, (tmp / "check.py").string(), (tmp / "out").string()});
  ASSERT_EQ(py.exit_code, 0) << py.err << py.out;
  json got = json::parse(py.out);
  EXPECT_EQ(got["strict"], true);
  std::string css = own["css/app.css"]["file"];
  EXPECT_THAT(css, ::testing::MatchesRegex(R"(css/app\.[0-9a-f]{10}\.css)"));
  EXPECT_EQ(got["css"], "/static/" + css) << "Django " << got["django"];
  // A non-ASCII name (compared %-decoded: the URL is Django's to encode).
  EXPECT_EQ(got["svg"], "/static/" + own["img/café.svg"]["file"].get<std::string>());
  EXPECT_FALSE(got.contains("missing")) << got.dump();
  EXPECT_THAT(got["missing_error"].get<std::string>(),
              HasSubstr("Missing staticfiles manifest entry for 'css/not-built.css'"));
  EXPECT_EQ(dj["hash"], got["expected_hash"]);
}
