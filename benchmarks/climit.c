/*
 * The "C limit" of benchmarks/bench_ssl.py: the same workloads written
 * directly against libssl/libcrypto, with the same memory-BIO plumbing a
 * pyOpenSSL/pyossl ``Connection(ctx, None)`` uses.  A benchmark tool, not
 * part of pyossl: benchmarks/run compiles it on demand (gcc -O2) against
 * the OpenSSL whose headers are installed (the system one) and runs it as
 * one more column.
 *
 * Usage: climit CERT KEY REPEATS WORKLOAD=N...
 *        climit CERT KEY --mem N_IDLE N_PAIRS
 *
 * Output (stdout, one record a line, parsed by benchmarks/run):
 *   openssl <version text>
 *   group <name of the TLS 1.3 key exchange group actually negotiated>
 *   hello <bytes of the TLS 1.3 client's first flight>
 *   time <workload> <iterations> <seconds>       (one line per repeat)
 *   mem <what> <connections> <KiB per connection>
 *
 * Each workload does what a Python binding must do to produce the same
 * Python result, minus the Python objects (values are copied out of
 * OpenSSL where a binding would make a bytes object from them).
 */

#define _GNU_SOURCE
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BULK_CHUNK 16384
#define RTT_SIZE 64
#define BIO_BUFSIZ 65536

static unsigned char iobuf[BIO_BUFSIZ];
static volatile unsigned long sink;     /* keeps results observable */

static void die(const char *what)
{
    fprintf(stderr, "climit: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

/* CPU time of the process, as bench_ssl.py measures by default;
 * CLIMIT_CLOCK=wall for the monotonic clock. */
static clockid_t clock_id = CLOCK_PROCESS_CPUTIME_ID;

static double now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ contexts */

static SSL_CTX *server_ctx[2], *client_ctx[2];     /* [0] 1.2, [1] 1.3 */

static void set_groups(SSL_CTX *ctx)
{
    /* The Python columns get the same pinning from OPENSSL_CONF. */
    if (SSL_CTX_set1_groups_list(ctx, "X25519") != 1)
        die("SSL_CTX_set1_groups_list");
}

static void make_contexts(const char *cert, const char *key)
{
    int versions[2] = {TLS1_2_VERSION, TLS1_3_VERSION};
    for (int i = 0; i < 2; i++) {
        SSL_CTX *s = SSL_CTX_new(TLS_method());
        SSL_CTX *c = SSL_CTX_new(TLS_method());
        if (!s || !c)
            die("SSL_CTX_new");
        /* What pyOpenSSL's Context() sets (pyossl sets the same modes). */
        SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE
                         | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE
                         | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (SSL_CTX_use_certificate_file(s, cert, SSL_FILETYPE_PEM) != 1)
            die("SSL_CTX_use_certificate_file");
        if (SSL_CTX_use_PrivateKey_file(s, key, SSL_FILETYPE_PEM) != 1)
            die("SSL_CTX_use_PrivateKey_file");
        SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_min_proto_version(s, versions[i]);
        SSL_CTX_set_max_proto_version(s, versions[i]);
        SSL_CTX_set_min_proto_version(c, versions[i]);
        SSL_CTX_set_max_proto_version(c, versions[i]);
        set_groups(s);
        set_groups(c);
        server_ctx[i] = s;
        client_ctx[i] = c;
    }
}

/* An SSL with two memory BIOs, as Connection(ctx, None) makes it. */
typedef struct {
    SSL *ssl;
    BIO *in;        /* bio_write() goes here (into_ssl) */
    BIO *out;       /* bio_read() comes from here (from_ssl) */
} conn;

static conn conn_new(SSL_CTX *ctx, int server)
{
    conn c;
    c.ssl = SSL_new(ctx);
    if (!c.ssl)
        die("SSL_new");
    SSL_set_mode(c.ssl, SSL_MODE_AUTO_RETRY);
    c.in = BIO_new(BIO_s_mem());
    c.out = BIO_new(BIO_s_mem());
    if (!c.in || !c.out)
        die("BIO_new");
    SSL_set_bio(c.ssl, c.in, c.out);
    if (server)
        SSL_set_accept_state(c.ssl);
    else
        SSL_set_connect_state(c.ssl);
    return c;
}

static void conn_free(conn *c)
{
    SSL_free(c->ssl);       /* frees both BIOs */
}

/* Move everything src has written to dst; returns the bytes moved. */
static long pump(conn *src, conn *dst)
{
    long moved = 0;
    for (;;) {
        int n = BIO_read(src->out, iobuf, sizeof(iobuf));
        if (n <= 0)
            return moved;
        if (BIO_write(dst->in, iobuf, n) != n)
            die("BIO_write");
        moved += n;
    }
}

static int want_read(SSL *ssl, int ret)
{
    int err = SSL_get_error(ssl, ret);
    if (err == SSL_ERROR_WANT_READ)
        return 1;
    fprintf(stderr, "climit: SSL error %d\n", err);
    die("handshake/read");
    return 0;
}

/* Returns the bytes the server sent (to check resumption). */
static long handshake(conn *c, conn *s)
{
    int cdone = 0, sdone = 0;
    long from_server = 0;
    while (!(cdone && sdone)) {
        if (!cdone) {
            int r = SSL_do_handshake(c->ssl);
            if (r == 1)
                cdone = 1;
            else
                want_read(c->ssl, r);
        }
        pump(c, s);
        if (!sdone) {
            int r = SSL_do_handshake(s->ssl);
            if (r == 1)
                sdone = 1;
            else
                want_read(s->ssl, r);
        }
        from_server += pump(s, c);
    }
    return from_server;
}

/* Let each side see what is in flight (TLS 1.3 session tickets). */
static void settle(conn *c, conn *s)
{
    unsigned char b[1];
    int r = SSL_read(c->ssl, b, 1);
    if (r > 0)
        die("settle: unexpected data");
    want_read(c->ssl, r);
    r = SSL_read(s->ssl, b, 1);
    if (r > 0)
        die("settle: unexpected data");
    want_read(s->ssl, r);
    pump(c, s);
    pump(s, c);
}

/* ------------------------------------------------------------ workloads */

static conn bulk_c, bulk_s;             /* one TLS 1.3 pair for bulk/rtt */
static SSL_SESSION *session12;          /* for resumed TLS 1.2 */
static X509 *cert;

static void full_handshakes(int v, long n)
{
    for (long i = 0; i < n; i++) {
        conn c = conn_new(client_ctx[v], 0);
        conn s = conn_new(server_ctx[v], 1);
        handshake(&c, &s);
        conn_free(&c);
        conn_free(&s);
    }
}

static void resumed_handshakes(long n, int check)
{
    for (long i = 0; i < n; i++) {
        conn c = conn_new(client_ctx[0], 0);
        conn s = conn_new(server_ctx[0], 1);
        if (SSL_set_session(c.ssl, session12) != 1)
            die("SSL_set_session");
        long bytes = handshake(&c, &s);
        if (check && (!SSL_session_reused(c.ssl) || bytes > 600)) {
            fprintf(stderr, "climit: not resumed (%ld bytes)\n", bytes);
            exit(2);
        }
        /* A client closing cleanly: SSL_free without a shutdown would
         * mark the session not resumable. */
        SSL_shutdown(c.ssl);
        conn_free(&c);
        conn_free(&s);
    }
}

static void bulk(long n)
{
    static unsigned char chunk[BULK_CHUNK];
    static unsigned char rbuf[BULK_CHUNK];
    memset(chunk, 'x', sizeof(chunk));
    for (long i = 0; i < n; i++) {
        if (SSL_write(bulk_c.ssl, chunk, BULK_CHUNK) != BULK_CHUNK)
            die("SSL_write");
        pump(&bulk_c, &bulk_s);
        int got = 0;
        while (got < BULK_CHUNK) {
            int r = SSL_read(bulk_s.ssl, rbuf, BULK_CHUNK);
            if (r <= 0)
                die("SSL_read");
            got += r;
        }
        sink += rbuf[0];
    }
}

static void rtt(long n)
{
    unsigned char msg[RTT_SIZE], data[RTT_SIZE], back[RTT_SIZE];
    memset(msg, 'p', sizeof(msg));
    for (long i = 0; i < n; i++) {
        if (SSL_write(bulk_c.ssl, msg, RTT_SIZE) != RTT_SIZE)
            die("SSL_write");
        pump(&bulk_c, &bulk_s);
        int r = SSL_read(bulk_s.ssl, data, RTT_SIZE);
        if (r <= 0)
            die("SSL_read");
        if (SSL_write(bulk_s.ssl, data, r) != r)
            die("SSL_write");
        pump(&bulk_s, &bulk_c);
        r = SSL_read(bulk_c.ssl, back, RTT_SIZE);
        if (r != RTT_SIZE)
            die("SSL_read");
        sink += back[0];
    }
}

/* get_subject().get_components(): (short name, value) of every entry. */
static void x509_components(long n)
{
    unsigned char out[4096];
    for (long i = 0; i < n; i++) {
        X509_NAME *name = X509_get_subject_name(cert);
        int count = X509_NAME_entry_count(name);
        size_t pos = 0;
        for (int k = 0; k < count; k++) {
            X509_NAME_ENTRY *e = X509_NAME_get_entry(name, k);
            int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
            const char *sn = OBJ_nid2sn(nid);
            ASN1_STRING *data = X509_NAME_ENTRY_get_data(e);
            int len = ASN1_STRING_length(data);
            size_t snlen = strlen(sn);
            if (pos + snlen + len > sizeof(out))
                die("components buffer");
            memcpy(out + pos, sn, snlen);
            pos += snlen;
            memcpy(out + pos, ASN1_STRING_get0_data(data), len);
            pos += len;
        }
        sink += pos + out[0];
    }
}

/* digest("sha256"): look the digest up by name, hash, format AA:BB:... */
static void x509_digest(long n)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char md[EVP_MAX_MD_SIZE];
    char text[3 * EVP_MAX_MD_SIZE];
    for (long i = 0; i < n; i++) {
        const EVP_MD *type = EVP_get_digestbyname("sha256");
        unsigned int len = sizeof(md);
        if (!type || X509_digest(cert, type, md, &len) != 1)
            die("X509_digest");
        for (unsigned int k = 0; k < len; k++) {
            text[3 * k] = hex[md[k] >> 4];
            text[3 * k + 1] = hex[md[k] & 15];
            text[3 * k + 2] = ':';
        }
        sink += text[3 * len - 2];
    }
}

/* dump_certificate(FILETYPE_PEM): memory BIO, write, copy out. */
static void x509_pem(long n)
{
    for (long i = 0; i < n; i++) {
        BIO *bio = BIO_new(BIO_s_mem());
        char *data;
        if (!bio || PEM_write_bio_X509(bio, cert) != 1)
            die("PEM_write_bio_X509");
        long len = BIO_get_mem_data(bio, &data);
        char *copy = malloc(len);
        memcpy(copy, data, len);
        sink += copy[len - 2];
        free(copy);
        BIO_free(bio);
    }
}

/* get_notAfter(): the time as GENERALIZEDTIME bytes. */
static void x509_notafter(long n)
{
    char out[64];
    for (long i = 0; i < n; i++) {
        const ASN1_TIME *t = X509_get0_notAfter(cert);
        ASN1_GENERALIZEDTIME *g = ASN1_TIME_to_generalizedtime(t, NULL);
        if (!g)
            die("ASN1_TIME_to_generalizedtime");
        int len = ASN1_STRING_length(g);
        if (len > (int)sizeof(out))
            die("notAfter length");
        memcpy(out, ASN1_STRING_get0_data(g), len);
        sink += out[len - 1];
        ASN1_GENERALIZEDTIME_free(g);
    }
}

static void x509_extcount(long n)
{
    for (long i = 0; i < n; i++)
        sink += X509_get_ext_count(cert);
}

/* get_extension(i), i cycling over all extensions: an owned copy. */
static void x509_ext(long n)
{
    int count = X509_get_ext_count(cert);
    for (long i = 0; i < n; i++) {
        X509_EXTENSION *e = X509_get_ext(cert, (int)(i % count));
        X509_EXTENSION *copy = X509_EXTENSION_dup(e);
        if (!copy)
            die("X509_EXTENSION_dup");
        sink += X509_EXTENSION_get_critical(copy);
        X509_EXTENSION_free(copy);
    }
}

/* get_pubkey(): a new reference to the key. */
static void x509_pubkey(long n)
{
    for (long i = 0; i < n; i++) {
        EVP_PKEY *k = X509_get_pubkey(cert);
        if (!k)
            die("X509_get_pubkey");
        sink += EVP_PKEY_get_bits(k);
        EVP_PKEY_free(k);
    }
}

static void run(const char *name, long n)
{
    if (!strcmp(name, "hs13")) full_handshakes(1, n);
    else if (!strcmp(name, "hs12")) full_handshakes(0, n);
    else if (!strcmp(name, "res12")) resumed_handshakes(n, 0);
    else if (!strcmp(name, "bulk")) bulk(n);
    else if (!strcmp(name, "rtt")) rtt(n);
    else if (!strcmp(name, "x509_components")) x509_components(n);
    else if (!strcmp(name, "x509_digest")) x509_digest(n);
    else if (!strcmp(name, "x509_pem")) x509_pem(n);
    else if (!strcmp(name, "x509_notafter")) x509_notafter(n);
    else if (!strcmp(name, "x509_extcount")) x509_extcount(n);
    else if (!strcmp(name, "x509_ext")) x509_ext(n);
    else if (!strcmp(name, "x509_pubkey")) x509_pubkey(n);
    else {
        fprintf(stderr, "climit: unknown workload %s\n", name);
        exit(2);
    }
}

static void load_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("fopen cert");
    cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!cert)
        die("PEM_read_X509");
}

static void setup(void)
{
    /* TLS 1.3 pair for bulk and round trips; check the group. */
    bulk_c = conn_new(client_ctx[1], 0);
    bulk_s = conn_new(server_ctx[1], 1);
    SSL_do_handshake(bulk_c.ssl);
    long hello = BIO_ctrl_pending(bulk_c.out);
    printf("hello %ld\n", hello);
    handshake(&bulk_c, &bulk_s);
    settle(&bulk_c, &bulk_s);
    int nid = SSL_get_negotiated_group(bulk_c.ssl);
    printf("group %s\n", nid > 0 ? OBJ_nid2sn(nid) : "unknown");

    /* A TLS 1.2 session to resume. */
    conn c = conn_new(client_ctx[0], 0);
    conn s = conn_new(server_ctx[0], 1);
    handshake(&c, &s);
    session12 = SSL_get1_session(c.ssl);
    if (!session12)
        die("SSL_get1_session");
    SSL_shutdown(c.ssl);
    conn_free(&c);
    conn_free(&s);
    resumed_handshakes(3, 1);       /* checks that resumption happens */
}

/* ---------------------------------------------------------------- memory */

static long rss_kib(void)
{
    long size, resident;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
        die("read /proc/self/statm");
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* KiB in use by malloc; with trim, the free heap is first given back to
 * the system (as bench_ssl.py does), so reused memory counts. */
static void snapshot(int trim, long *rss, double *in_use)
{
    if (trim)
        malloc_trim(0);
    struct mallinfo2 mi = mallinfo2();
    *rss = rss_kib();
    *in_use = (mi.uordblks + mi.hblkhd) / 1024.0;
}

static void memory(long n_idle, long n_pairs)
{
    /* The idle connections stay alive while the established ones are
     * made, so freed memory cannot be reused and hide the second delta. */
    conn *conns = calloc(n_idle + 2 * n_pairs, sizeof(conn));
    if (!conns)
        die("calloc");
    /* Warm up the allocator and OpenSSL's lazily made tables. */
    for (int i = 0; i < 3; i++) {
        conn c = conn_new(client_ctx[1], 0);
        conn s = conn_new(server_ctx[1], 1);
        handshake(&c, &s);
        settle(&c, &s);
        conn_free(&c);
        conn_free(&s);
    }
    long before, after;
    double mbefore, mafter;
    snapshot(1, &before, &mbefore);
    for (long i = 0; i < n_idle; i++)
        conns[i] = conn_new(client_ctx[1], 0);
    snapshot(0, &after, &mafter);
    printf("mem idle %ld %.3f\n", n_idle, (double)(after - before) / n_idle);
    printf("mem idle_malloc %ld %.3f\n", n_idle, (mafter - mbefore) / n_idle);

    conn *pairs = conns + n_idle;
    snapshot(1, &before, &mbefore);
    for (long i = 0; i < n_pairs; i++) {
        pairs[2 * i] = conn_new(client_ctx[1], 0);
        pairs[2 * i + 1] = conn_new(server_ctx[1], 1);
        handshake(&pairs[2 * i], &pairs[2 * i + 1]);
        settle(&pairs[2 * i], &pairs[2 * i + 1]);
    }
    snapshot(0, &after, &mafter);
    printf("mem established %ld %.3f\n", 2 * n_pairs,
           (double)(after - before) / (2 * n_pairs));
    printf("mem established_malloc %ld %.3f\n", 2 * n_pairs,
           (mafter - mbefore) / (2 * n_pairs));
    for (long i = 0; i < n_idle + 2 * n_pairs; i++)
        conn_free(&conns[i]);
    free(conns);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: climit CERT KEY REPEATS WORKLOAD=N...\n"
                "       climit CERT KEY --mem N_IDLE N_PAIRS\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("CLIMIT_CLOCK") && !strcmp(getenv("CLIMIT_CLOCK"), "wall"))
        clock_id = CLOCK_MONOTONIC;
    printf("openssl %s\n", OpenSSL_version(OPENSSL_VERSION));
    make_contexts(argv[1], argv[2]);
    load_cert(argv[1]);
    if (!strcmp(argv[3], "--mem")) {
        if (argc != 6)
            return 2;
        memory(atol(argv[4]), atol(argv[5]));
        return 0;
    }
    int repeats = atoi(argv[3]);
    int count = argc - 4;
    char **names = calloc(count, sizeof(char *));
    long *ns = calloc(count, sizeof(long));
    for (int i = 0; i < count; i++) {
        char *eq = strchr(argv[4 + i], '=');
        if (!eq || (ns[i] = atol(eq + 1)) < 1) {
            fprintf(stderr, "climit: expected WORKLOAD=N, got %s\n",
                    argv[4 + i]);
            return 2;
        }
        *eq = '\0';
        names[i] = argv[4 + i];
    }
    setup();
    for (int i = 0; i < count; i++)         /* warm-up */
        run(names[i], ns[i] / 20 + 1);
    for (int r = 0; r < repeats; r++)
        for (int i = 0; i < count; i++) {
            double t0 = now();
            run(names[i], ns[i]);
            printf("time %s %ld %.9f\n", names[i], ns[i], now() - t0);
        }
    if (ERR_peek_error())
        die("error queue not empty at exit");
    return 0;
}
