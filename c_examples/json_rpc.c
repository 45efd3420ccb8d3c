// JSON-RPC 2.0 over HTTP POST.
//   ./json_rpc [url]            default url: http://0.0.0.0:8000
//
//   curl -d '{"id":1,"method":"sum","params":[1,2]}' localhost:8000/rpc
//       -> {"id":1,"result":3}
//   curl -d '[{"id":1,"method":"counter.inc"},{"id":2,"method":"rpc.list"}]'
//       localhost:8000/rpc                       -> a batch: an array of responses
//
// Methods: sum and mul (two numbers), echo (params back), counter.inc and
// counter.get, rpc.list. A request without "id" is a notification: it runs
// but gets no response (HTTP 204 when nothing at all is left to send).
#include "mongoose.h"

static struct mg_rpc *s_rpc_head = NULL;
static long s_counter;

// Reads params[0] and params[1] as numbers, or answers -32602.
static bool two_numbers(struct mg_rpc_req *r, double *a, double *b) {
  if (mg_json_get_num(r->frame, "$.params[0]", a) &&
      mg_json_get_num(r->frame, "$.params[1]", b)) {
    return true;
  }
  mg_rpc_err(r, -32602, "%m", MG_ESC("params must be [number, number]"));
  return false;
}

static void rpc_sum(struct mg_rpc_req *r) {
  double a, b;
  if (two_numbers(r, &a, &b)) mg_rpc_ok(r, "%.17g", a + b);
}

static void rpc_mul(struct mg_rpc_req *r) {
  double a, b;
  if (two_numbers(r, &a, &b)) mg_rpc_ok(r, "%.17g", a * b);
}

static void rpc_echo(struct mg_rpc_req *r) {
  struct mg_str params = mg_json_get_tok(r->frame, "$.params");
  if (params.buf == NULL) params = mg_str("null");
  mg_rpc_ok(r, "%.*s", (int) params.len, params.buf);
}

// The handler's fn_data says by how much counter.* changes the counter.
static void rpc_counter(struct mg_rpc_req *r) {
  s_counter += *(long *) r->rpc->fn_data;
  mg_rpc_ok(r, "{%m:%ld}", MG_ESC("counter"), s_counter);
}

// Processes one frame, appending its response (if any) to io, preceded by
// a comma when io already holds an earlier response of the batch.
static void process(struct mg_str frame, struct mg_iobuf *io, bool batch) {
  struct mg_iobuf one = {0, 0, 0, 256};
  struct mg_rpc_req r = {&s_rpc_head, 0, mg_pfn_iobuf, &one, 0, frame};
  mg_rpc_process(&r);
  if (one.len > 0) {
    if (batch && io->len > 1) mg_iobuf_add(io, io->len, ",", 1);
    mg_iobuf_add(io, io->len, one.buf, one.len);
  }
  mg_iobuf_free(&one);
}

static void handle_rpc(struct mg_connection *c, struct mg_http_message *hm) {
  struct mg_iobuf io = {0, 0, 0, 512};
  struct mg_str body = hm->body, tok = mg_json_get_tok(body, "$");
  if (tok.len > 0 && tok.buf[0] == '[') {
    // A batch: each element is a frame of its own.
    size_t ofs = 0;
    struct mg_str val;
    mg_iobuf_add(&io, 0, "[", 1);
    while ((ofs = mg_json_next(tok, ofs, NULL, &val)) > 0) process(val, &io, true);
    if (io.len == 1) io.len = 0;  // nothing but notifications
    else mg_iobuf_add(&io, io.len, "]", 1);
  } else {
    process(body, &io, false);
  }
  if (io.len > 0) {
    mg_http_reply(c, 200, "Content-Type: application/json\r\n", "%.*s\n", (int) io.len,
                  (char *) io.buf);
  } else {
    mg_http_reply(c, 204, "", "");
  }
  mg_iobuf_free(&io);
}

static void fn(struct mg_connection *c, int ev, void *ev_data) {
  if (ev == MG_EV_HTTP_MSG) {
    struct mg_http_message *hm = (struct mg_http_message *) ev_data;
    if (!mg_match(hm->uri, mg_str("/rpc"), NULL)) {
      mg_http_reply(c, 404, "", "not found\n");
    } else if (mg_strcmp(hm->method, mg_str("POST")) != 0) {
      mg_http_reply(c, 405, "Allow: POST\r\n", "use POST\n");
    } else {
      handle_rpc(c, hm);
    }
  }
}

int main(int argc, char *argv[]) {
  const char *url = argc > 1 ? argv[1] : "http://0.0.0.0:8000";
  static long plus_one = 1, zero = 0;
  struct mg_mgr mgr;
  mg_rpc_add(&s_rpc_head, mg_str("sum"), rpc_sum, NULL);
  mg_rpc_add(&s_rpc_head, mg_str("mul"), rpc_mul, NULL);
  mg_rpc_add(&s_rpc_head, mg_str("echo"), rpc_echo, NULL);
  mg_rpc_add(&s_rpc_head, mg_str("counter.inc"), rpc_counter, &plus_one);
  mg_rpc_add(&s_rpc_head, mg_str("counter.get"), rpc_counter, &zero);
  mg_rpc_add(&s_rpc_head, mg_str("rpc.list"), mg_rpc_list, NULL);
  mg_mgr_init(&mgr);
  if (mg_http_listen(&mgr, url, fn, NULL) == NULL) {
    // The library has logged why; once is enough.
    return 1;
  }
  MG_INFO(("JSON-RPC on %s/rpc", url));
  for (;;) mg_mgr_poll(&mgr, 1000);
  mg_mgr_free(&mgr);
  mg_rpc_del(&s_rpc_head, NULL);
  return 0;
}
