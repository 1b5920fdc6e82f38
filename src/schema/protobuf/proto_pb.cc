/*
 * proto_pb.cc - Google's .proto parser behind proto_pb.h.  The only C++
 * in schemad: the grammar is Google's to maintain (docs/ARCHITECTURE.md
 * says why), what is done with the descriptor is C.  No C++ exception or
 * type crosses the extern "C" line.
 */
#include "proto_pb.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

namespace {

/* Keeps the first error, as the parser reports it (0-based). */
class first_error : public google::protobuf::io::ErrorCollector {
  public:
    bool seen = false;
    int line = 0;
    int column = 0;
    std::string message;

    void AddError(int l, int c, const std::string &m) override
    {
        if (seen)
            return;
        seen = true;
        line = l;
        column = c;
        message = m;
    }
};

void
quiet(google::protobuf::LogLevel, const char *, int, const std::string &)
{
}

char *
dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p != nullptr) {
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
    }
    return p;
}

/* The 1-based position of the element at `path` (source info paths). */
void
positions(const google::protobuf::FileDescriptorProto &f, std::vector<int> &out)
{
    const auto &info = f.source_code_info();
    for (int kind : {4, 5}) {
        int n = kind == 4 ? f.message_type_size() : f.enum_type_size();
        for (int i = 0; i < n; i++) {
            int line = 0, col = 0;
            for (const auto &loc : info.location()) {
                if (loc.path_size() == 2 && loc.path(0) == kind && loc.path(1) == i &&
                    loc.span_size() >= 2) {
                    line = loc.span(0) + 1;
                    col = loc.span(1) + 1;
                    break;
                }
            }
            out.push_back(line);
            out.push_back(col);
        }
    }
}

/* Google's parser recurses once per nested block and has no limit of its
 * own: a text nesting deeper than this is refused before it is parsed
 * (the decoder would refuse the descriptor anyway).  Strings and comments
 * are skipped as the tokenizer skips them.  0, or -1 with *line, *col
 * (1-based) of the brace that goes too deep. */
constexpr int max_nesting = 100;

int
nesting_ok(const char *text, size_t len, int *line, int *col)
{
    int depth = 0, l = 1, c = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        c++;
        if (ch == '\n') {
            l++;
            c = 0;
        } else if (ch == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
        } else if (ch == '/' && i + 1 < len && text[i + 1] == '*') {
            for (i += 2; i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'); i++) {
                if (text[i] == '\n') {
                    l++;
                    c = 0;
                }
            }
            i++;
        } else if (ch == '"' || ch == '\'') {
            for (i++; i < len && text[i] != ch && text[i] != '\n'; i++) {
                if (text[i] == '\\')
                    i++;
            }
        } else if (ch == '{' && ++depth > max_nesting) {
            *line = l;
            *col = c;
            return -1;
        } else if (ch == '}' && depth > 0) {
            depth--;
        }
    }
    return 0;
}

int
parse(const char *text, size_t len, unsigned char **out, size_t *out_len, int **lines,
      size_t *nlines, char **err)
{
    int bad_line, bad_col;
    if (nesting_ok(text, len, &bad_line, &bad_col) != 0) {
        *err = dup_string("Syntax error in :" + std::to_string(bad_line) + ":" +
                          std::to_string(bad_col) + ": blocks nest deeper than " +
                          std::to_string(max_nesting));
        return -1;
    }
    google::protobuf::LogHandler *old = google::protobuf::SetLogHandler(quiet);
    google::protobuf::io::ArrayInputStream in(text, static_cast<int>(len));
    first_error errors;
    google::protobuf::io::Tokenizer tokens(&in, &errors);
    google::protobuf::compiler::Parser parser;
    parser.RecordErrorsTo(&errors);
    google::protobuf::FileDescriptorProto file;
    bool ok = parser.Parse(&tokens, &file);
    if (!ok || errors.seen) {
        google::protobuf::SetLogHandler(old);
        std::string m = "Syntax error in :" + std::to_string(errors.line + 1) + ":" +
                        std::to_string(errors.column + 1) + ": " + errors.message;
        *err = dup_string(m);
        return -1;
    }
    std::vector<int> pos;
    positions(file, pos);
    file.clear_source_code_info();
    std::string bytes;
    ok = file.SerializeToString(&bytes);
    google::protobuf::SetLogHandler(old);
    if (!ok) {
        *err = dup_string("Syntax error in :1:1: descriptor too large");
        return -1;
    }
    *out = static_cast<unsigned char *>(std::malloc(bytes.size() + 1));
    *lines = static_cast<int *>(std::malloc((pos.size() + 1) * sizeof(int)));
    if (*out == nullptr || *lines == nullptr) {
        std::free(*out);
        std::free(*lines);
        *out = nullptr;
        *lines = nullptr;
        *err = dup_string("out of memory");
        return -1;
    }
    std::memcpy(*out, bytes.data(), bytes.size());
    *out_len = bytes.size();
    std::copy(pos.begin(), pos.end(), *lines);
    *nlines = pos.size() / 2;
    return 0;
}

/* At exit, libprotobuf gives back what it built for itself (the generated
 * pool of descriptor.proto, which its parser uses): valgrind's leak check
 * then sees none of it. */
struct shutdown_at_exit {
    ~shutdown_at_exit() { google::protobuf::ShutdownProtobufLibrary(); }
} shutdown_instance;

} // namespace

extern "C" int
proto_pb_parse(const char *text, size_t len, unsigned char **out, size_t *out_len, int **lines,
               size_t *nlines, char **err)
{
    *out = nullptr;
    *out_len = 0;
    *lines = nullptr;
    *nlines = 0;
    *err = nullptr;
    if (len > 0x7fffffff) {
        *err = dup_string("Syntax error in :1:1: schema too large");
        return -1;
    }
    try {
        return parse(text, len, out, out_len, lines, nlines, err);
    } catch (...) {
        std::free(*out);
        std::free(*lines);
        *out = nullptr;
        *lines = nullptr;
        *out_len = 0;
        *nlines = 0;
        *err = dup_string("Syntax error in :1:1: parser failure");
        return -1;
    }
}
