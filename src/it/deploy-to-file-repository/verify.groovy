import java.nio.file.*
import java.security.MessageDigest
def dir = basedir.toPath().resolve('target/remote-repo/org/nixusb/it/deploy-to-file-repository/1.0')
def image = dir.resolve('deploy-to-file-repository-1.0-usb.iso')
def sha = dir.resolve('deploy-to-file-repository-1.0-usb.iso.sha256')
assert Files.isRegularFile(image) : "not deployed: ${image}"
assert Files.isRegularFile(sha) : "not deployed: ${sha}"
assert Files.isRegularFile(dir.resolve('deploy-to-file-repository-1.0.pom'))
def md = MessageDigest.getInstance('SHA-256')
image.toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) md.update(b, 0, n) }
assert sha.toFile().text.startsWith(md.digest().encodeHex().toString() + '  deploy-to-file-repository-1.0-usb.iso')
def meta = new File(dir.toFile().parentFile, 'maven-metadata.xml')
assert meta.isFile() && meta.text.contains('<version>1.0</version>')
return true
