package keymaterial

import "fmt"

// kmConstants are well-known 256-bit numbers that code assigns to names
// such as HALF_N or SECP256K1_PRIVATE_ORDER: curve parameters, hash
// constants and the secret keys of published test vectors. They are not
// keys, and a 64-hex value equal to one is not reported. Values of 96 hex
// digits (P-384, the BLS12-381 base field) are never read as raw keys and
// need no entry; values at or above the secp256k1 order (its field prime
// and order) are already no valid key.
var kmConstants = map[string]string{
	// secp256k1: half-order (the low-s bound, and one more), generator,
	// GLV endomorphism constants.
	"7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0": "the secp256k1 half-order n/2",
	"7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1": "the secp256k1 half-order (n+1)/2",
	"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798": "the secp256k1 generator's x",
	"483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8": "the secp256k1 generator's y",
	"5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72": "the secp256k1 endomorphism lambda",
	"7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee": "the secp256k1 endomorphism beta",
	// NIST P-256 (secp256r1).
	"ffffffff00000001000000000000000000000000ffffffffffffffffffffffff": "the P-256 field prime p",
	"ffffffff00000001000000000000000000000000fffffffffffffffffffffffc": "the P-256 coefficient a",
	"5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b": "the P-256 coefficient b",
	"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551": "the P-256 group order n",
	"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8": "the P-256 half-order n/2",
	"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9": "the P-256 half-order (n+1)/2",
	"6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296": "the P-256 generator's x",
	"4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5": "the P-256 generator's y",
	// Curve25519 / ed25519.
	"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed": "the ed25519 field prime 2^255-19",
	"1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed": "the ed25519 group order l",
	"080000000000000000000000000000000a6f7cef517bce6b2c09318d2e7ae9f6": "the ed25519 half-order l/2",
	"52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3": "the ed25519 constant d",
	"2406d9dc56dffce7198e80f2eef3d13000e0149a8283b156ebd69b9426b2f159": "the ed25519 constant 2d",
	"216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a": "the ed25519 generator's x",
	"2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0": "the ed25519 square root of -1",
	// BN254 (alt_bn128), the curve of Ethereum's pairing precompiles.
	"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47": "the BN254 field prime p",
	"30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001": "the BN254 group order r",
	"183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000000": "the BN254 half-order r/2",
	"183227397098d014dc2822db40c0ac2ecbc0b548b438e5469e10460b6c3e7ea3": "the BN254 half field prime p/2",
	"1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed": "a BN254 G2 generator coordinate",
	"198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2": "a BN254 G2 generator coordinate",
	"12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa": "a BN254 G2 generator coordinate",
	"090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b": "a BN254 G2 generator coordinate",
	// BLS12-381 scalar field.
	"73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001": "the BLS12-381 group order r",
	"39f6d3a994cebea4199cec0404d0ec02a9ded2017fff2dff7fffffff80000000": "the BLS12-381 half-order r/2",
	// Hash constants and digests of nothing.
	"6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19": "the SHA-256 initial hash value",
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855": "the SHA-256 digest of the empty string",
	"c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470": "the Keccak-256 digest of the empty string",
	"a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a": "the SHA3-256 digest of the empty string",
	// Nothing-up-my-sleeve digits, the secret keys of BIP-340's vectors.
	"c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22": "the first 256 bits of pi (a BIP-340 test vector key)",
	"b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef": "the first 256 bits of e (a BIP-340 test vector key)",
	"0b432b2677937381aef05bb02a66ecd012773062cf3fa2549e44f58ed2401710": "a BIP-340 test vector key",
	// RFC 6979's P-256 example key (A.2.5).
	"c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721": "the RFC 6979 P-256 test key",
}

// kmDevKeys are the private keys of development chains' default accounts:
// public, reported at low severity. Each list is in account order.
var kmDevKeys = kmIndexDevKeys(map[string][]string{
	// The "test test ... junk" mnemonic, m/44'/60'/0'/0/i.
	"Hardhat/Anvil default account": {
		"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
		"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
		"5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
		"7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
		"47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
		"8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
		"92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
		"4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
		"dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
		"2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
		"f214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
		"701b615bbdfb9de65240bc28bd21bbc0d996645a3dd57e7b12bc2bdf6f192c82",
		"a267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1",
		"47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd",
		"c526ee95bf44d8fc405a158bb884d9d1238d99f0612e9f33d006bb0789009aaa",
		"8166f546bab6da521a8369cab06c5d2b9e46670292d85c875ee9ec20e84ffb61",
		"ea6c44ac03bff858b476bba40716402b03e41b8e97e276d1baec7c37d42484a0",
		"689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd",
		"de9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0",
		"df57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e",
	},
	// ganache-cli --deterministic ("myth like bonus ...").
	"ganache-cli deterministic account": {
		"4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d",
		"6cbed15c793ce57650b9877cf6fa156fbef513c4e6134f022a85b1ffdd59b2a1",
		"6370fd033278c143179d81c5526140625662b8daa446c22ee2d73db3707e620c",
		"646f1ce2fdad0e6deeeb5c7e8e5543bdde65e86029e2fd9fc169899c440a7913",
		"add53f9a7e588d003326d1cbf9e4a43c061aadd9bc938c843a79e7b4fd2ad743",
		"395df67f0c2d2d9fe1ad08d1bc8b6627011959b79c53d7dd6a3536a33ab8a4fd",
		"e485d098507f54e7733a205420dfddbe58db035fa577fc294ebd14db90767a52",
		"a453611d9419d0e56f499079478fd72c37b251a94bfde4d19872c44cf65386e3",
		"829e924fdf021ba3dbbc4225edfece9aca04b929d6e75613329ca6f1d31c0bb4",
		"b0057716d5917badaf911b193b12b910811c1497b5bada8d7711f758981c3773",
	},
	// truffle develop and Ganache UI ("candy maple cake ...").
	"Truffle/Ganache default account": {
		"c87509a1c067bbde78beb793e6fa76530b6382a4c0241e5e4a9ec0a0f44dc0d3",
		"ae6ae8e5ccbfb04590405997ee2d52d2b330726137b875053c36d94e974d162f",
		"0dbbe8e4ae425a6d2687f1a7e3ba17bc98c673636790f1b8ad91193c05875ef1",
		"c88b703fb08cbea894b6aeff5a544fb92e78a18e19814cd85da83b71f772aa6c",
		"388c684f0ba1ef5017716adb5d21a053ea8e90277d0868337519f97bede61418",
		"659cbb0e2411a44db63778987b1e22153c086a95eb6b18bdf89de078917abc63",
		"82d052c865f5763aad42add438569276c00d3d88a2d062d36b2bae914d58b8c8",
		"aa3680d5d48a8283413f7a108367c7299ca73f553735860a87b08f39395618b7",
		"0f62d96d6675f32685bbdb8ac13cda7c23436f63efbb9d07700d8669ff12b7c4",
		"8d5366123cb560bb606379f90a0bfd4769eecc0557f1b362dcae9012b548b1e5",
	},
	// The executor (EIP-7702 sponsor, address 0x6634F723...89ea) that
	// Anvil's Odyssey mode publishes in its source.
	"the Anvil Odyssey executor account": {
		"502d47e1421cb9abef497096728e69f07543232b93ef24de4998e18b5fd9ba0f",
	},
	// The rich wallets of zkSync Era's local node (local-setup's
	// rich-wallets.json, era-test-node's README).
	"zkSync Era local-node rich wallet": {
		"7726827caac94a7f9e1b160f7ea819f172f7b6f9d2a97f992c38edeab82d4110",
		"ac1e735be8536c6534bb4f17f06f6afc73b2b5ba84ac2cfb12f7461b20c0bbe3",
		"d293c684d884d56f8d6abd64fc76757d3664904e309a0645baf8522ab6366d9e",
		"850683b40d4a740aa6e745f889a6fdc8327be76e122f5aba645a5b02d0248db8",
		"f12e28c0eb1ef4ff90478f6805b68d63737b7f33abfa091601140805da450d93",
		"e667e57a9b8aaa6709e51ff7d093f1c5b73b63f9987e4ab4aa9a5c699e024ee8",
		"28a574ab2de8a00364d5dd4b07c4f2f574ef7fcc2a86a197f65abaec836d1959",
		"74d8b3a188f7260f67698eb44da07397a298df5427df681ef68c45b34b61f998",
		"be79721778b48bcc679b78edac0ce48306a8578186ffcb9f2ee455ae6efeace1",
		"3eb15da85647edd9a1159a4a13b9e7c56877c4eb33f614546d4db06a51868b1c",
	},
})

// kmIndexDevKeys turns the lists of development keys into a map from key
// to its description, "Hardhat/Anvil default account #3" (no number when
// the list has one key).
func kmIndexDevKeys(lists map[string][]string) map[string]string {
	out := map[string]string{}
	for what, keys := range lists {
		for i, k := range keys {
			out[k] = what
			if len(keys) > 1 {
				out[k] = fmt.Sprintf("%s #%d", what, i)
			}
		}
	}
	return out
}
