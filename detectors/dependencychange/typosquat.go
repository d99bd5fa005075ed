package dependencychange

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// This file reports typosquat-shaped names: a new dependency one
// character (an insertion, a deletion, a substitution or two swapped
// neighbours) away from a popular package or from a dependency the
// manifest already had: crossenv for cross-env (npm 2017), jeIlyfish for
// jellyfish (PyPI 2019), rustdecimal for rust_decimal (crates.io 2022).

// depTypoMinLen is the shortest name compared: among short names one
// character separates many real packages.
const depTypoMinLen = 5

// typosquat reports e when its name is one typo away from a known one,
// and says whether it did.
func (d *depDiff) typosquat(e depEntry) bool {
	if d.eco == depSubmodules || e.patch {
		return false
	}
	near, ok := depTyposquat(d.eco, e.name, d.known())
	if !ok {
		return false
	}
	d.report(guard.High, e.line.Number, fmt.Sprintf("Adds the dependency %s, one character away from %s: "+
		"a package published under a misspelt name is a known way to get code installed (typosquatting).",
		e.name, near), &e.line)
	return true
}

// known returns the index of names a new dependency of the manifest is
// compared with besides the popular ones: those the change's manifests
// of its ecosystem had before, and the setting's known_packages.
func (d *depDiff) known() *depTypoIndex {
	eco := depPopularEco(d.eco)
	if d.ch.index[eco] == nil {
		d.ch.index[eco] = newDepTypoIndex(eco, append(append([]string(nil), d.ch.known[eco]...), d.ch.extra...))
	}
	return d.ch.index[eco]
}

// depTyposquat returns the popular or known name that name is one typo
// away from, if any. A name that is itself popular or known is not a
// typosquat.
func depTyposquat(eco depEco, name string, known *depTypoIndex) (string, bool) {
	eco = depPopularEco(eco)
	n := depNormName(eco, name)
	if len(n) < depTypoMinLen || len(n) > depTypoMaxLen {
		return "", false
	}
	pop := depPopular[eco]
	if pop.has(n) || known.has(n) {
		return "", false
	}
	for _, x := range []*depTypoIndex{pop, known} {
		if near := x.near(n); near != "" {
			return near, true
		}
	}
	return "", false
}

// depTypoMaxLen is the longest name compared; package names are short.
const depTypoMaxLen = 100

// depTypoIndex finds the names one typo away from a name in time
// proportional to the square of its length, whatever the number of
// names: each name is filed under itself and under each one-character
// deletion of it.
type depTypoIndex struct {
	exact map[string]string // normalized name -> name
	del   map[string]string // name less one character -> name
	delAt map[string]string // the same, keyed with the position too
}

func newDepTypoIndex(eco depEco, names []string) *depTypoIndex {
	x := &depTypoIndex{exact: map[string]string{}, del: map[string]string{}, delAt: map[string]string{}}
	for _, name := range names {
		n := depNormName(eco, name)
		if len(n) < depTypoMinLen || len(n) > depTypoMaxLen || x.exact[n] != "" {
			continue
		}
		x.exact[n] = name
		for i := range len(n) {
			v := n[:i] + n[i+1:]
			if x.del[v] == "" {
				x.del[v] = name
			}
			x.delAt[depAt(v, i)] = name
		}
	}
	return x
}

func depAt(v string, i int) string { return fmt.Sprintf("%s\x00%d", v, i) }

// has reports whether the index holds the normalized name n.
func (x *depTypoIndex) has(n string) bool { return x != nil && x.exact[n] != "" }

// near returns a name one typo away from the normalized name n, "" when
// none is.
func (x *depTypoIndex) near(n string) string {
	if x == nil {
		return ""
	}
	if k := x.del[n]; k != "" {
		return k // n lacks one character of k
	}
	for i := range len(n) {
		v := n[:i] + n[i+1:]
		if k := x.exact[v]; k != "" {
			return k // n has one character more than k
		}
		if k := x.delAt[depAt(v, i)]; k != "" {
			return k // one character differs
		}
		if i+1 < len(n) && n[i] != n[i+1] {
			if k := x.exact[n[:i]+string(n[i+1])+string(n[i])+n[i+2:]]; k != "" {
				return k // two neighbours swapped
			}
		}
	}
	return ""
}

// depNormName folds the spellings a registry treats as one name: case,
// and for PyPI and crates.io the separators.
func depNormName(eco depEco, name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	switch eco {
	case depPip, depPyproject:
		return depPyName(n)
	case depCargo:
		return strings.ReplaceAll(n, "_", "-")
	case depGoMod:
		return depGoRoot(n)
	}
	return n
}

// depGoRoot returns the repository of a Go module path: the modules of
// one repository and its major versions are one project, not typos of
// each other (armcompute/v5 and armcompute/v4, service/ecs and
// service/ec2).
func depGoRoot(mod string) string {
	parts := strings.Split(mod, "/")
	n := 2
	if depForges[parts[0]] || parts[0] == "golang.org" {
		n = 3
	}
	return strings.Join(parts[:min(n, len(parts))], "/")
}

func depPopularEco(eco depEco) depEco {
	if eco == depPyproject {
		return depPip
	}
	return eco
}

// depPopular are widely used packages of each registry: the names
// typosquats imitate.
var depPopular = map[depEco]*depTypoIndex{
	depNPM: depSet(depNPM, `react react-dom preact react-native lodash lodash-es express axios chalk commander debug moment dayjs
		typescript webpack webpack-cli babel-loader eslint prettier jest mocha chai sinon yargs minimist
		request async bluebird underscore jquery vue angular svelte next nuxt redux react-redux
		classnames prop-types uuid dotenv cross-env rimraf mkdirp glob semver colors inquirer ora
		node-fetch cross-fetch ws socket.io body-parser cors helmet morgan cookie-parser jsonwebtoken
		bcrypt bcryptjs mongoose sequelize pg mysql mysql2 redis ioredis knex typeorm prisma graphql
		apollo-server nodemon concurrently husky lint-staged electron ethers web3 bn.js bignumber.js
		elliptic secp256k1 tweetnacl bs58 bip39 hdkey crypto-js js-sha3 keccak buffer events
		stream-browserify readable-stream through2 event-stream flatmap-stream ua-parser-js coa rc
		node-ipc faker colors.js chokidar fs-extra graceful-fs rollup esbuild vite postcss autoprefixer
		tailwindcss sass less styled-components emotion core-js regenerator-runtime tslib zod yup joi
		ajv date-fns luxon immer rxjs mobx formik winston pino bunyan log4js handlebars ejs pug
		mustache marked markdown-it highlight.js cheerio puppeteer playwright selenium-webdriver
		supertest nock msw sharp jimp multer busboy formidable qs querystring path-to-regexp
		node-sass ts-node ts-loader tsconfig-paths @babel/core @babel/preset-env @types/node
		@types/react hardhat truffle ganache @openzeppelin/contracts @nomicfoundation/hardhat-toolbox
		solc ethereumjs-util ethereum-cryptography @ethersproject/abi viem wagmi discord.js
		twilio stripe aws-sdk @aws-sdk/client-s3 firebase firebase-admin googleapis openai
		lodash.merge deepmerge object-assign escape-string-regexp strip-ansi ansi-regex ansi-styles
		supports-color has-flag string-width wrap-ansi cliui camelcase decamelize pify p-limit
		p-map execa cross-spawn which shebang-command signal-exit get-stream is-stream`),
	depPip: depSet(depPip, `requests urllib3 certifi charset-normalizer idna numpy pandas scipy matplotlib
		seaborn scikit-learn tensorflow torch keras flask django fastapi uvicorn gunicorn starlette
		pydantic sqlalchemy alembic psycopg2 psycopg2-binary pymysql redis celery boto3 botocore
		s3transfer awscli google-cloud-storage azure-storage-blob pyyaml toml tomli attrs six
		setuptools wheel pip virtualenv pytest pytest-cov coverage tox nose mock hypothesis black
		flake8 pylint mypy isort jinja2 markupsafe click colorama termcolor tqdm rich typer httpx
		aiohttp websockets beautifulsoup4 lxml html5lib scrapy selenium pillow opencv-python
		cryptography pycryptodome pycryptodomex pyopenssl paramiko bcrypt pynacl ecdsa
		python-dateutil pytz tzdata arrow pendulum simplejson ujson orjson protobuf grpcio
		jellyfish web3 eth-account eth-abi eth-utils eth-keys eth-hash py-evm brownie
		python-dotenv requests-oauthlib oauthlib pyjwt jsonschema marshmallow docutils sphinx
		openai transformers huggingface-hub datasets tokenizers langchain networkx sympy
		discord.py python-telegram-bot twilio stripe ansible fabric invoke distro psutil`),
	depCargo: depSet(depCargo, `serde serde-json serde-derive tokio futures anyhow thiserror clap rand
		regex lazy-static once-cell log env-logger tracing tracing-subscriber reqwest hyper
		axum actix-web warp tower chrono time uuid bytes byteorder itertools rayon crossbeam
		parking-lot syn quote proc-macro2 base64 hex sha2 sha3 digest hmac aes rand-core
		ring rustls openssl secp256k1 k256 ed25519-dalek curve25519-dalek bls12-381 num-bigint
		num-traits primitive-types ethereum-types ethers alloy alloy-primitives revm rust-decimal
		tempfile walkdir dirs glob toml serde-yaml indexmap hashbrown smallvec arrayvec bitflags
		libc winapi nix cfg-if memchr bincode prost tonic sqlx diesel rusqlite redis criterion
		proptest async-trait pin-project futures-util tokio-util dashmap eyre color-eyre
		indicatif console dialoguer colored semver url percent-encoding http mime`),
	depGoMod: depSet(depGoMod, `github.com/stretchr/testify github.com/spf13/cobra github.com/spf13/viper
		github.com/spf13/pflag github.com/sirupsen/logrus go.uber.org/zap github.com/gin-gonic/gin
		github.com/gorilla/mux github.com/gorilla/websocket github.com/labstack/echo github.com/gofiber/fiber
		github.com/go-chi/chi github.com/google/uuid github.com/pkg/errors github.com/golang/protobuf
		google.golang.org/protobuf google.golang.org/grpc github.com/prometheus/client_golang
		github.com/boltdb/bolt go.etcd.io/bbolt github.com/go-redis/redis github.com/redis/go-redis
		github.com/lib/pq github.com/jackc/pgx github.com/go-sql-driver/mysql github.com/mattn/go-sqlite3
		gorm.io/gorm github.com/jmoiron/sqlx github.com/golang-jwt/jwt github.com/dgrijalva/jwt-go
		golang.org/x/crypto golang.org/x/net golang.org/x/sys golang.org/x/text golang.org/x/sync
		golang.org/x/oauth2 github.com/ethereum/go-ethereum github.com/btcsuite/btcd
		github.com/decred/dcrd github.com/aws/aws-sdk-go github.com/aws/aws-sdk-go-v2
		gopkg.in/yaml.v2 gopkg.in/yaml.v3 github.com/hashicorp/consul github.com/hashicorp/vault
		github.com/go-kit/kit github.com/go-kit/log github.com/urfave/cli github.com/fatih/color
		github.com/go-git/go-git github.com/docker/docker k8s.io/client-go k8s.io/apimachinery`),
}

func depSet(eco depEco, words string) *depTypoIndex {
	return newDepTypoIndex(eco, strings.Fields(words))
}
