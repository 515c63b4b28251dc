# walkthrough/gdb/handshake.gdb: the ToyTLS v1 handshake, step by step, in gdb.
#
# From the repository root (the script loads walkthrough/gdb/hex.gdb, and the
# program reads certs/), after building the debug preset:
#
#     gdb -batch -x walkthrough/gdb/handshake.gdb build/debug/bin/toytls-trace-debug
#
# walkthrough/README.md is the tour that goes with it.
#
# toytls-trace-debug is toytls-trace (walkthrough/trace.md) linked against a
# copy of the library built with -O0 -g, so every argument and local can be
# printed. It runs a client and a server in one process and one thread, with
# fixed seeds and a fixed clock, so the breakpoints below are hit in the same
# order on every run and every value equals the one in walkthrough/trace.md.
# Arguments given after the program (--args PROGRAM --certs DIR) are passed
# on; the program's own output (the Markdown trace) goes to /dev/null, so what
# you see is only the steps printed here.
#
# Each breakpoint prints a banner and the values it can see, then continues.
# To stop and look around yourself instead, drop -batch and delete the
# `continue` at the end of the step you are interested in: gdb then gives you
# its prompt at that step.
#
# tests/gdb_walkthrough_test.cpp runs this script and checks the banners and
# the values against walkthrough/trace.md.

set pagination off
set confirm off
set print pretty on
# A breakpoint on a function that does not exist (renamed?) is an error that
# stops the script, rather than a breakpoint silently left pending.
set breakpoint pending off
set print inferior-events off
set print thread-events off
# LeakSanitizer cannot run under a debugger; this matters for the asan preset
# only, and is harmless otherwise.
set environment ASAN_OPTIONS=detect_leaks=0

# The commands `hex` and `hex_array` print bytes as trace.md writes them.
source walkthrough/gdb/hex.gdb

# --- STEP 1 ---------------------------------------------------------------
# ClientConnection::send_client_hello fills a ClientHello struct and encodes
# it. The random and the key share are drawn inside send_client_hello, so we
# stop one call deeper, in encode(), where the finished struct is the
# argument `hello`.
break toytls::encode(toytls::ClientHello const&)
commands
  silent
  printf "=== STEP 1: client sends ClientHello ===\n"
  printf "  where: encode(const ClientHello&), called by ClientConnection::send_client_hello (client.cpp)\n"
  printf "  client random  = "
  hex &hello.random 32
  printf "  key_share      = "
  hex &hello.key_share 32
  printf "  server_name    = %s\n", hello.server_name.c_str()
  printf "  suites offered = %d\n", hello.cipher_suites.size()
  continue
end

# --- STEP 2 ---------------------------------------------------------------
# `message` is the whole ClientHello, 4-byte header included (PROTOCOL.md 3.1):
# random at offset 6, key_share at offset 38.
break toytls::ServerConnection::on_client_hello
commands
  silent
  printf "=== STEP 2: server receives ClientHello ===\n"
  printf "  where: ServerConnection::on_client_hello (server.cpp)\n"
  printf "  message size   = %d bytes\n", message.size()
  printf "  ClientHello    = "
  hex message.data() message.size()
  printf "  client random  = "
  hex message.data()+6 32
  printf "  key_share      = "
  hex message.data()+38 32
  continue
end

# --- STEPS 3 and 5 ----------------------------------------------------------
# Key derivation. Connection::derive_keys_and_protect calls
# derive_traffic_secrets and then reports the event keys_derived. Stopping at
# that report (emit with kind == keys_derived) puts us at the end of
# derive_keys_and_protect, one frame up, where the local `secrets` holds the
# six derived values and `hello_hash` the hash they were derived from. (A
# breakpoint command list cannot `finish` and then go on printing: gdb ignores
# every command after one that resumes the program.)
break toytls::Connection::emit if kind == toytls::EventKind::keys_derived
commands
  silent
  up-silently
  if side_ == toytls::Side::server
    printf "=== STEP 3: server derives the traffic keys ===\n"
    printf "  where: end of Connection::derive_keys_and_protect (connection.cpp), on the server\n"
  else
    printf "=== STEP 5: client derives the traffic keys ===\n"
    printf "  where: end of Connection::derive_keys_and_protect (connection.cpp), on the client\n"
  end
  printf "  shared_secret       = "
  hex &shared_secret.bytes_ 32
  printf "  hello_hash          = "
  hex &hello_hash 32
  printf "  client_write_key    = "
  hex &secrets.client_write_key.bytes_ 32
  printf "  client_write_iv     = "
  hex &secrets.client_write_iv.bytes_ 12
  printf "  server_write_key    = "
  hex &secrets.server_write_key.bytes_ 32
  printf "  server_write_iv     = "
  hex &secrets.server_write_iv.bytes_ 12
  printf "  client_finished_key = "
  hex &secrets.client_finished_key.bytes_ 32
  printf "  server_finished_key = "
  hex &secrets.server_finished_key.bytes_ 32
  continue
end

# --- STEP 4 ---------------------------------------------------------------
break toytls::ClientConnection::on_server_hello
commands
  silent
  printf "=== STEP 4: client receives ServerHello ===\n"
  printf "  where: ClientConnection::on_server_hello (client.cpp)\n"
  printf "  message size   = %d bytes\n", message.size()
  printf "  server random  = "
  hex message.data()+6 32
  printf "  key_share      = "
  hex message.data()+38 32
  printf "  chosen suite   = "
  hex message.data()+70 2
  printf "  own private key (wiped in this function, after X25519) = "
  hex &ephemeral_key_->private_key.bytes_ 32
  continue
end

# --- STEP 6 ---------------------------------------------------------------
# From here on `message` is the plaintext of a protected record: the record
# layer has already checked and removed the AEAD protection.
break toytls::ClientConnection::on_certificate
commands
  silent
  printf "=== STEP 6: client receives Certificate ===\n"
  printf "  where: ClientConnection::on_certificate (client.cpp)\n"
  printf "  message size   = %d bytes\n", message.size()
  printf "  certificates   = %d\n", message.data()[4]
  printf "  leaf length    = %d bytes\n", message.data()[5] * 256 + message.data()[6]
  continue
end

# --- STEP 7 ---------------------------------------------------------------
break toytls::verify_chain
commands
  silent
  printf "=== STEP 7: client verifies the certificate chain ===\n"
  printf "  where: verify_chain (chain.cpp), called by ClientConnection::on_certificate\n"
  printf "  certificates on the wire = %d\n", wire_certificates_leaf_first.size()
  printf "  trusted roots            = %d\n", trust_store.roots().size()
  printf "  server name              = %s\n", server_name.data()
  printf "  now (Unix time)          = %d\n", now
  continue
end

# --- STEP 8 ---------------------------------------------------------------
# The server signed the transcript hash through Certificate. At the start of
# on_certificate_verify, the client's transcript holds exactly those messages,
# so transcript_.hash() (called by gdb) is the hash the signature covers.
break toytls::ClientConnection::on_certificate_verify
commands
  silent
  printf "=== STEP 8: client receives CertificateVerify ===\n"
  printf "  where: ClientConnection::on_certificate_verify (client.cpp)\n"
  printf "  signature      = "
  hex message.data()+4 64
  set $signed_hash = transcript_.hash()
  printf "  signed transcript hash (ClientHello..Certificate) = "
  hex_array $signed_hash
  continue
end

# --- STEP 9 ---------------------------------------------------------------
break toytls::ClientConnection::on_server_finished
commands
  silent
  printf "=== STEP 9: client receives the server's Finished ===\n"
  printf "  where: ClientConnection::on_server_finished (client.cpp)\n"
  printf "  verify_data         = "
  hex message.data()+4 32
  printf "  server_finished_key = "
  hex &server_finished_key_.bytes_ 32
  set $finished_hash = transcript_.hash()
  printf "  transcript hash (ClientHello..CertificateVerify) = "
  hex_array $finished_hash
  continue
end

# --- STEP 10 --------------------------------------------------------------
break toytls::ServerConnection::on_client_finished
commands
  silent
  printf "=== STEP 10: server receives the client's Finished ===\n"
  printf "  where: ServerConnection::on_client_finished (server.cpp)\n"
  printf "  verify_data         = "
  hex message.data()+4 32
  printf "  client_finished_key = "
  hex &client_finished_key_.bytes_ 32
  set $finished_hash = transcript_.hash()
  printf "  transcript hash (ClientHello..server Finished) = "
  hex_array $finished_hash
  continue
end

# Run with the arguments given on gdb's command line (if any), the program's
# standard output going to /dev/null. `run > /dev/null` alone would replace
# those arguments, so they are read back first.
set $program_arguments = $_gdb_setting_str("args")
eval "run %s > /dev/null", $program_arguments
if $_isvoid($_exitcode)
  printf "(the program is stopped: a step ended without continue; type continue to go on)\n"
else
  printf "=== END: the program exited with status %d ===\n", $_exitcode
end
