# walkthrough/gdb/hex.gdb: two gdb commands that print bytes as one hex
# string, the way walkthrough/trace.md writes them, so that what gdb shows can
# be compared with the trace at a glance. handshake.gdb loads this file; in
# your own session, from the repository root:
#
#     (gdb) source walkthrough/gdb/hex.gdb
#     (gdb) hex &client_random_ 32
#     3ae051eadea65925b6b11051b9b2400fb6291ee568051e03dace16dfd6877c95

# hex ADDRESS COUNT: prints COUNT bytes from ADDRESS as one hex string, the
# way trace.md writes them. For a std::array or a Secret: hex &value 32.
# For a ByteView (std::span) or a Bytes (std::vector): hex view.data() COUNT.
define hex
  set $hex_pointer = (const unsigned char *) ($arg0)
  set $hex_count = $arg1
  set $hex_index = 0
  while $hex_index < $hex_count
    printf "%02x", $hex_pointer[$hex_index]
    set $hex_index = $hex_index + 1
  end
  printf "\n"
end

# hex_array VALUE: the same for a std::array value that is not in memory:
# what `finish` returns (Value returned is $6 = ...), or a call made by gdb,
# such as transcript_.hash(). Pass a $ value, not a call: VALUE is read once
# per byte. _M_elems is the C array inside GCC's std::array.
#     (gdb) finish
#     (gdb) hex_array $
#     (gdb) set $hash = transcript_.hash()
#     (gdb) hex_array $hash
define hex_array
  set $hex_index = 0
  while $hex_index < sizeof($arg0)
    printf "%02x", $arg0._M_elems[$hex_index]
    set $hex_index = $hex_index + 1
  end
  printf "\n"
end
