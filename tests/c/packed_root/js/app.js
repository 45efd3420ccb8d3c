console.log("packed app");
