// The second build, in another directory and later, gives the same bytes as the first.
def first = new File(basedir, '../reproducible-build-1/target/image-usb.iso.sha256')
def second = new File(basedir, 'target/image-usb.iso.sha256')
assert first.isFile() : 'the first build did not run before this one'
def h1 = first.text.split(/\s+/)[0], h2 = second.text.split(/\s+/)[0]
assert h1 == h2 : "the two builds differ: ${h1} vs ${h2}"
assert new File(basedir, 'build.log').text.contains('UEFI: created /boot/efi.img')
println "reproducible: both builds have SHA-256 ${h1}"
return true
