assert new File(basedir, 'target/image-usb.iso').isFile()
assert new File(basedir, 'target/image-usb.iso.sha256').isFile()
return true
