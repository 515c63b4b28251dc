// The walkthrough page: what the TraceRecorder wrote down during one
// TraceSession, as one self-contained HTML file (walkthrough/index.html).
//
// The page has four sections, each a <section id="..."> that the browser
// check (walkthrough/check_page.sh) looks for:
//   sequence  an SVG sequence diagram, one arrow per record
//   messages  every record and handshake message as a grid of bytes; each
//             byte knows its field, and selecting bytes explains the field
//   keys      the key schedule as a diagram with the real values
//   seam      the HTTP request and response through the layers: socket
//             bytes, record fields, plaintext, HTTP lines
//
// The page has no external resources at all (no URL, no font, no script
// from elsewhere) so that it works when opened from disk, and its bytes
// depend only on the entries: no date, no path, no random.
//
// Like TraceRenderer, it shows only values the connections produced (the
// events and the key log) or that it recomputes with the library's own
// functions and checks; a check that fails throws std::runtime_error.
#pragma once

#include <string>
#include <vector>

#include "tools/trace_recorder.hpp"
#include "toytls/cipher_suite.hpp"

namespace toytls::trace {

struct PageSettings {
    CipherSuite suite = CipherSuite::aes_256_gcm_sha256;
    std::string regenerate_command;  // how to make this page again, shown in it
};

// `entries`: everything recorded during the whole session, oldest first.
std::string render_walkthrough_page(const std::vector<TraceEntry>& entries, const PageSettings& settings);

}  // namespace toytls::trace
