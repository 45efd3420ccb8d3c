// JSON-RPC: round trips through mg_rpc_process with mg_pfn_iobuf, every
// error code (-32700 parse error, -32600 invalid request, -32601 method not
// found, -32602 invalid params from a handler), id echo for every id type,
// notifications, glob patterns, the response ("") handler, mg_rpc_list,
// mg_rpc_del, and the variadic mg_rpc_ok/mg_rpc_err.
#include "test_util.h"

static struct mg_rpc *s_head;
static int s_responses;  // calls of the "" handler

// sum: params must be an array of two numbers.
static void rpc_sum(struct mg_rpc_req *r) {
  double a = 0, b = 0;
  if (!mg_json_get_num(r->frame, "$.params[0]", &a) ||
      !mg_json_get_num(r->frame, "$.params[1]", &b)) {
    mg_rpc_err(r, -32602, "%m", MG_ESC("expected two numbers"));
  } else {
    mg_rpc_ok(r, "%g", a + b);
  }
}

// echo: the params back, raw.
static void rpc_echo(struct mg_rpc_req *r) {
  struct mg_str p = mg_json_get_tok(r->frame, "$.params");
  mg_rpc_ok(r, "%.*s", (int) p.len, p.buf);
}

// get.*: which method matched, and the handler's fn_data.
static void rpc_get(struct mg_rpc_req *r) {
  struct mg_str m = mg_json_get_tok(r->frame, "$.method");
  mg_rpc_ok(r, "{%m:%.*s,%m:%m}", MG_ESC("method"), (int) m.len, m.buf, MG_ESC("data"),
            MG_ESC((const char *) r->rpc->fn_data));
}

static void rpc_null(struct mg_rpc_req *r) {
  mg_rpc_ok(r, NULL);
}

static void rpc_fail_null(struct mg_rpc_req *r) {
  mg_rpc_err(r, 42, NULL);
}

static void rpc_response(struct mg_rpc_req *r) {
  (void) r;
  s_responses++;
}

// Calls a nested frame through the same list, writing to the same output.
static void rpc_nested(struct mg_rpc_req *r) {
  struct mg_rpc_req inner = *r;
  inner.frame = mg_str("{\"id\":7,\"method\":\"sum\",\"params\":[2,3]}");
  mg_rpc_process(&inner);
}

// Runs frame through mg_rpc_process and returns the output ("" if none);
// the caller frees it.
static char *call(const char *frame) {
  struct mg_iobuf io = {0, 0, 0, 64};
  struct mg_rpc_req r;
  char *out;
  memset(&r, 0, sizeof(r));
  r.head = &s_head;
  r.pfn = mg_pfn_iobuf;
  r.pfn_data = &io;
  r.frame = mg_str(frame);
  mg_rpc_process(&r);
  out = strdup(io.buf ? (char *) io.buf : "");
  mg_iobuf_free(&io);
  return out;
}

static void expect(const char *frame, const char *want, int line) {
  char *got = call(frame);
  s_checks++;
  if (strcmp(got, want) != 0) {
    s_failures++;
    fprintf(stderr, "FAIL test_rpc.c:%d: %s\n  got  %s\n  want %s\n", line, frame, got, want);
  }
  free(got);
}
#define EXPECT(frame, want) expect(frame, want, __LINE__)

static void test_round_trips(void) {
  EXPECT("{\"id\":1,\"method\":\"sum\",\"params\":[1,2]}", "{\"id\":1,\"result\":3}");
  EXPECT("{\"method\":\"sum\",\"params\":[1.5,2.25],\"id\":2}", "{\"id\":2,\"result\":3.75}");
  EXPECT("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"sum\",\"params\":[-1,1]}",
         "{\"id\":\"abc\",\"result\":0}");
  EXPECT("{\"id\":null,\"method\":\"sum\",\"params\":[1,1]}", "{\"id\":null,\"result\":2}");
  EXPECT("{\"id\":[1,{\"x\":2}],\"method\":\"sum\",\"params\":[0,0]}",
         "{\"id\":[1,{\"x\":2}],\"result\":0}");
  EXPECT("{\"id\":3,\"method\":\"echo\",\"params\":{\"a\":[1,\"\\u00e9\"]}}",
         "{\"id\":3,\"result\":{\"a\":[1,\"\\u00e9\"]}}");
  EXPECT("{\"id\":4,\"method\":\"get.one\"}",
         "{\"id\":4,\"result\":{\"method\":\"get.one\",\"data\":\"data-of-get\"}}");
  EXPECT("{\"id\":5,\"method\":\"get.two\"}",
         "{\"id\":5,\"result\":{\"method\":\"get.two\",\"data\":\"data-of-get\"}}");
  EXPECT("{\"id\":6,\"method\":\"null\"}", "{\"id\":6,\"result\":null}");
  EXPECT("{\"id\":6,\"method\":\"failnull\"}",
         "{\"id\":6,\"error\":{\"code\":42,\"message\":null}}");
  EXPECT("{\"id\":8,\"method\":\"nested\"}", "{\"id\":7,\"result\":5}");
  // Whitespace everywhere.
  EXPECT(" { \"id\" : 9 , \"method\" : \"sum\" , \"params\" : [ 4 , 5 ] } ",
         "{\"id\":9,\"result\":9}");
}

static void test_errors(void) {
  // -32601: no handler, id echoed.
  EXPECT("{\"id\":1,\"method\":\"nope\"}",
         "{\"id\":1,\"error\":{\"code\":-32601,\"message\":\"nope not found\"}}");
  EXPECT("{\"id\":\"x\",\"method\":\"get\"}",  // "get.*" needs the dot
         "{\"id\":\"x\",\"error\":{\"code\":-32601,\"message\":\"get not found\"}}");
  EXPECT("{\"id\":1,\"method\":\"a\\\"b\"}",
         "{\"id\":1,\"error\":{\"code\":-32601,\"message\":\"a\\\"b not found\"}}");
  EXPECT("{\"method\":\"nope\"}",  // errors go out even without an id
         "{\"error\":{\"code\":-32601,\"message\":\"nope not found\"}}");
  // -32602: from the handler.
  EXPECT("{\"id\":2,\"method\":\"sum\",\"params\":[1]}",
         "{\"id\":2,\"error\":{\"code\":-32602,\"message\":\"expected two numbers\"}}");
  EXPECT("{\"id\":2,\"method\":\"sum\",\"params\":{\"a\":1}}",
         "{\"id\":2,\"error\":{\"code\":-32602,\"message\":\"expected two numbers\"}}");
  // -32700: not JSON; the frame comes back as the message.
  EXPECT("haha", "{\"error\":{\"code\":-32700,\"message\":\"haha\"}}");
  EXPECT("", "{\"error\":{\"code\":-32700,\"message\":\"\"}}");
  EXPECT("{\"id\":3,\"method\":", "{\"id\":3,\"error\":{\"code\":-32700,\"message\":\"{\\\"id\\\":3,\\\"method\\\":\"}}");
  EXPECT("{\"id\":3,\"method\":\"sum\",\"params\":[1,2]",  // truncated: not dispatched
         "{\"id\":3,\"error\":{\"code\":-32700,\"message\":"
         "\"{\\\"id\\\":3,\\\"method\\\":\\\"sum\\\",\\\"params\\\":[1,2]\"}}");
  EXPECT("{\"a\":\"\n\"", "{\"error\":{\"code\":-32700,\"message\":\"{\\\"a\\\":\\\"\\n\\\"\"}}");
  // -32600: JSON, but no string method and not a response.
  EXPECT("{\"id\":4}", "{\"id\":4,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}");
  EXPECT("{\"id\":5,\"method\":17}",
         "{\"id\":5,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}");
  EXPECT("[1,2]", "{\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}");
  EXPECT("42", "{\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}");
}

static void test_notifications_and_responses(void) {
  // A notification (no id) gets no success response.
  EXPECT("{\"method\":\"sum\",\"params\":[1,2]}", "");
  // Responses go to the "" handler and get no answer.
  s_responses = 0;
  EXPECT("{\"id\":1,\"result\":5}", "");
  EXPECT("{\"id\":2,\"error\":{\"code\":1,\"message\":\"x\"}}", "");
  CHECK(s_responses == 2);
  // Notifications: no success answer, but errors are sent without an id, as
  // Mongoose's mg_rpc_err() does.
  EXPECT("{\"method\":\"nope\"}", "{\"error\":{\"code\":-32601,\"message\":\"nope not found\"}}");
  EXPECT("{\"method\":\"sum\",\"params\":[]}",
         "{\"error\":{\"code\":-32602,\"message\":\"expected two numbers\"}}");
  EXPECT("{\"method\":\"echo\",\"params\":[]}", "");
  // An empty params array reaches the handler, which answers its error.
  EXPECT("{\"id\":3,\"method\":\"sum\",\"params\":[]}",
         "{\"id\":3,\"error\":{\"code\":-32602,\"message\":\"expected two numbers\"}}");
  EXPECT("{\"id\":3,\"method\":\"echo\",\"params\":[]}", "{\"id\":3,\"result\":[]}");
  // A response without an id still goes to the "" handler only.
  EXPECT("{\"result\":5}", "");
  CHECK(s_responses == 3);
}

// A response frame with no "" handler: nothing is written at all (Mongoose
// answers -32601 " not found", which two peers could bounce forever), so
// the reply buffer stays NULL.
static void test_response_without_handler(void) {
  struct mg_rpc *head = NULL;
  struct mg_iobuf io = {0, 0, 0, 64};
  struct mg_rpc_req r;
  static const char *frames[] = {"{\"id\":1,\"result\":123}",
                                 "{\"id\":1,\"error\":{\"code\":-1,\"message\":\"x\"}}",
                                 "{\"result\":null}"};
  size_t i;
  mg_rpc_add(&head, mg_str("sum"), rpc_sum, NULL);
  for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
    memset(&r, 0, sizeof(r));
    r.head = &head;
    r.pfn = mg_pfn_iobuf;
    r.pfn_data = &io;
    r.frame = mg_str(frames[i]);
    mg_rpc_process(&r);
    CHECK(io.buf == NULL && io.len == 0);
  }
  mg_rpc_del(&head, NULL);
}

static void test_list_and_del(void) {
  EXPECT("{\"id\":1,\"method\":\"rpc.list\"}",
         "{\"id\":1,\"result\":[\"rpc.list\",\"nested\",\"failnull\",\"null\",\"get.*\",\"echo\","
         "\"sum\"]}");
  mg_rpc_del(&s_head, rpc_sum);
  EXPECT("{\"id\":1,\"method\":\"sum\",\"params\":[1,2]}",
         "{\"id\":1,\"error\":{\"code\":-32601,\"message\":\"sum not found\"}}");
  EXPECT("{\"id\":1,\"method\":\"rpc.list\"}",
         "{\"id\":1,\"result\":[\"rpc.list\",\"nested\",\"failnull\",\"null\",\"get.*\",\"echo\"]}");
  // The first matching pattern wins: the newest handler is first.
  mg_rpc_add(&s_head, mg_str("ec#"), rpc_null, NULL);
  EXPECT("{\"id\":1,\"method\":\"echo\",\"params\":1}", "{\"id\":1,\"result\":null}");
  mg_rpc_del(&s_head, NULL);
  CHECK(s_head == NULL);
  EXPECT("{\"id\":1,\"method\":\"echo\"}",
         "{\"id\":1,\"error\":{\"code\":-32601,\"message\":\"echo not found\"}}");
  EXPECT("{\"id\":1,\"method\":\"rpc.list\"}",
         "{\"id\":1,\"error\":{\"code\":-32601,\"message\":\"rpc.list not found\"}}");
  // An empty list answers rpc.list with [].
  {
    struct mg_rpc *head = NULL;
    struct mg_iobuf io = {0, 0, 0, 64};
    struct mg_rpc_req r;
    memset(&r, 0, sizeof(r));
    r.head = &head;
    r.pfn = mg_pfn_iobuf;
    r.pfn_data = &io;
    r.frame = mg_str("{\"id\":1}");
    mg_rpc_list(&r);
    CHECK_STR((char *) io.buf, "{\"id\":1,\"result\":[]}");
    mg_iobuf_free(&io);
  }
}

// The layout C programs rely on: the usual brace initialiser.
static void test_struct_init(void) {
  struct mg_rpc *head = NULL;
  struct mg_iobuf io = {0, 0, 0, 512};
  struct mg_rpc_req req = {&head, 0, mg_pfn_iobuf, &io, 0, {0, 0}};
  mg_rpc_add(&head, mg_str("rpc.list"), mg_rpc_list, NULL);
  CHECK(head != NULL && head->fn == mg_rpc_list && head->method.len == 8);
  CHECK(memcmp(head->method.buf, "rpc.list", 8) == 0);
  req.frame = mg_str("{\"id\": 1, \"method\": \"rpc.list\"}");
  mg_rpc_process(&req);
  CHECK(req.rpc == head);
  CHECK_STR((char *) io.buf, "{\"id\":1,\"result\":[\"rpc.list\"]}");
  mg_iobuf_free(&io);
  mg_rpc_del(&head, mg_rpc_list);
  CHECK(head == NULL);
}

int main(void) {
  mg_rpc_add(&s_head, mg_str("sum"), rpc_sum, NULL);
  mg_rpc_add(&s_head, mg_str("echo"), rpc_echo, NULL);
  mg_rpc_add(&s_head, mg_str("get.*"), rpc_get, (void *) "data-of-get");
  mg_rpc_add(&s_head, mg_str(""), rpc_response, NULL);
  mg_rpc_add(&s_head, mg_str("null"), rpc_null, NULL);
  mg_rpc_add(&s_head, mg_str("failnull"), rpc_fail_null, NULL);
  mg_rpc_add(&s_head, mg_str("nested"), rpc_nested, NULL);
  mg_rpc_add(&s_head, mg_str("rpc.list"), mg_rpc_list, NULL);
  test_round_trips();
  test_errors();
  test_notifications_and_responses();
  test_response_without_handler();
  test_list_and_del();
  test_struct_init();
  // NULL arguments are logged, not fatal.
  mg_rpc_process(NULL);
  mg_rpc_add(NULL, mg_str("x"), rpc_null, NULL);
  mg_rpc_del(NULL, NULL);
  return test_summary("test_rpc");
}
