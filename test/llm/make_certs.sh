#!/bin/sh
# test/llm/make_certs.sh DIR — a throwaway CA and two server certificates for the TLS tests,
# made fresh at test time (no key is ever committed):
#   DIR/ca.pem                      the CA (EC P-256), the tests' ca_file
#   DIR/localhost.pem, .key         server cert for "localhost" (RSA 2048), signed by the CA
#   DIR/wrong.pem, .key             server cert for "wrong.example", signed by the same CA
set -eu
d=$1
mkdir -p "$d"
cd "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
	-days 2 -subj /CN=chela-test-ca -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
for pair in localhost:localhost wrong:wrong.example; do
	name=${pair%%:*}
	host=${pair#*:}
	openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$host" 2>/dev/null
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
		"$host" > "$name.ext"
	openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" -days 2 \
		-extfile "$name.ext" 2>/dev/null
done
